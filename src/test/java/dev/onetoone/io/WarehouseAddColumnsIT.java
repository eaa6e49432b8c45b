package dev.onetoone.io;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.testing.SparkTestSupport;

class WarehouseAddColumnsIT extends SparkTestSupport {

    private static final TableSpec BEFORE = new TableSpec.Builder("scores", "test table")
            .required("id", StringType, "key").required("value", DoubleType, "a value").keyedBy("id").build();
    private static final TableSpec AFTER = new TableSpec.Builder("scores", "test table")
            .required("id", StringType, "key").required("value", DoubleType, "a value")
            .column("auc", DoubleType, "added later, it's nullable").keyedBy("id").build();

    @Test
    void aTableWrittenBeforeAColumnWasDeclaredTakesRowsThatCarryIt(@TempDir Path directory) {
        var warehouse = new Warehouse(spark(), directory.toString());
        warehouse.upsert(BEFORE, spark().sql("select 'a' id, 1.0d value"));
        warehouse.addMissingColumns(AFTER);
        warehouse.addMissingColumns(AFTER);
        warehouse.upsert(AFTER, spark().sql("select 'b' id, 2.0d value, 0.75d auc"));
        List<Row> rows = warehouse.read(AFTER).orderBy("id").collectAsList();
        assertEquals(2, rows.size());
        assertTrue(rows.get(0).isNullAt(rows.get(0).fieldIndex("auc")), "the earlier row reads null");
        assertEquals(0.75, rows.get(1).<Double>getAs("auc"), 0.0);
        assertEquals("added later, it's nullable", warehouse.read(AFTER).schema().apply("auc").getComment().get());
    }
}
