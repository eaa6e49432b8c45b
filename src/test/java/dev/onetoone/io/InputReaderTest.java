package dev.onetoone.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.config.ConfigException;
import dev.onetoone.testing.SparkTestSupport;

class InputReaderTest extends SparkTestSupport {
    private static InputReader reader() {
        return new InputReader(spark(), ",");
    }

    @Test
    void doubledQuotesInsideAQuotedCsvFieldAreOneQuote(@TempDir Path directory) throws IOException {
        Path file = writeFile(directory, "customers.csv", "customer_id,country\n\"O\"\"Brien\",IE\n\"plain\",\"a,b\"\n");
        List<Row> rows = reader().read(file.toString()).rows().select("customer_id", "country").collectAsList();
        // RFC 4180, section 2 rule 7: a double quote inside a quoted field is escaped by a preceding double quote
        assertEquals("O\"Brien", rows.get(0).getString(0));
        assertEquals("a,b", rows.get(1).getString(1));
    }

    @Test
    void aMissingFileIsReportedAsNotFoundWhateverItsName(@TempDir Path directory) {
        for (String name : List.of("does-not-exist", "absent.csv")) {
            String path = directory.resolve(name).toString();
            var error = assertThrows(ConfigException.class, () -> reader().read(path));
            assertTrue(error.getMessage().contains("not found") && error.getMessage().contains(path), error.getMessage());
        }
    }

    @Test
    void integralFloatingPointIdsReadAsIntegerText(@TempDir Path directory) {
        StructType schema = new StructType()
                .add("CustomerID", DataTypes.DoubleType)
                .add("quantity", DataTypes.DoubleType)
                .add("price", DataTypes.createDecimalType(10, 2));
        String path = directory.resolve("transactions.parquet").toString();
        spark().createDataFrame(List.of(
                        RowFactory.create(12347.0, 2.0, new java.math.BigDecimal("5.00")),
                        RowFactory.create(null, 0.5, new java.math.BigDecimal("1.25")),
                        RowFactory.create(-3.0, Double.NaN, null)), schema)
                .coalesce(1).write().parquet(path);
        List<Row> rows = reader().read(path).rows().select("CustomerID", "quantity", "price").collectAsList();
        // pandas writes integer ids with nulls as doubles; a CSV export of the same file says 12347
        assertEquals("12347", rows.get(0).getString(0));
        assertEquals("2", rows.get(0).getString(1));
        assertEquals("5", rows.get(0).getString(2));
        assertTrue(rows.get(1).isNullAt(0));
        assertEquals("0.5", rows.get(1).getString(1));
        assertEquals("1.25", rows.get(1).getString(2));
        assertEquals("-3", rows.get(2).getString(0));
        assertEquals("NaN", rows.get(2).getString(1));
    }
}
