package dev.onetoone.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * forget on a warehouse where every customer table (taken from the table list, so a new table is filled too) holds
 * the erased customer in two files, next to a customer with a similar id (C10) and another (C2).
 */
class ErasureIT extends SparkTestSupport {
    private static final String ERASED = "C1";
    /** SHA-256 of "C1", computed with sha256sum. */
    private static final String ERASED_SHA256 = "ab861dc170dc2e43224e45278d3d31a675b9ebc34c9b0f48c066ca1eeaed8ee6";
    private static final String TOKEN = "(?<![\\p{L}\\p{N}_])C1(?![\\p{L}\\p{N}_])";

    @TempDir
    Path directory;

    private RunContext fill(String retentionHours, List<TableSpec> tables) throws IOException {
        RunContext context = WarehouseFixture.context(directory.resolve("warehouse"),
                Map.of("maintenance.vacuum-retention-hours", retentionHours));
        Warehouse warehouse = context.warehouse();
        for (TableSpec table : tables) {
            warehouse.append(table, rows(table, List.of(ERASED, "C10")));
            warehouse.append(table, rows(table, List.of(ERASED, "C2")));
        }
        Timestamp now = Timestamp.from(WarehouseFixture.NOW);
        List<Row> quarantined = List.of(
                quarantineRow("q1", "{\"customer_id\":\"C1\",\"amount\":\"x\"}", now),
                quarantineRow("q2", "2025-01-01 10:00:00,C1,12.5", now),
                quarantineRow("q3", "{\"customer_id\":\"C10\",\"amount\":\"x\"}", now),
                quarantineRow("q4", "{\"customer_id\":\"XC1\"}", now));
        warehouse.append(Tables.QUARANTINE, spark().createDataFrame(quarantined, Tables.QUARANTINE.schema()));
        Path exports = directory.resolve("warehouse/exports/offers");
        writeExport(exports.resolve("as_of=2025-12-31/channel=email"), "o1,C1,camp\no2,C10,camp\n");
        writeExport(exports.resolve("as_of=2025-12-31/channel=sms"), "o3,C1,camp\n");
        writeExport(exports.resolve("as_of=2025-12-30/channel=email"), "o4,C2,camp\n");
        return context;
    }

    @Test
    void withRetentionZeroNothingOfTheCustomerRemainsInAnyTableFileOrExport() throws IOException {
        RunContext context = fill("0", Erasure.customerTables());
        Warehouse warehouse = context.warehouse();
        // C2's bonus for referring C1: C2's entry, whose source_id names C1.
        warehouse.append(Tables.POINTS_LEDGER, rows(Tables.POINTS_LEDGER, List.of("C2")).withColumn("source_id",
                org.apache.spark.sql.functions.lit(ERASED)));
        assertTrue(filesHolding(warehouse) >= Erasure.customerTables().size() + 1, "the scan finds the customer before the erasure");

        Erasure.Result result = new Erasure(context).forget(Set.of(ERASED));

        for (TableSpec table : Erasure.customerTables()) {
            Dataset<Row> rows = warehouse.read(table);
            assertEquals(0, holding(rows, table), table.name());
            long kept = table == Tables.POINTS_LEDGER ? 3 : 2;
            assertEquals(kept, rows.count(), table.name() + " keeps C10 and C2 (and C2's referral bonus)");
            assertEquals(2L, result.rowsDeleted().get(table.name()), table.name());
        }
        assertEquals(1L, result.rowsDeleted().get(Erasure.SOURCE_REFERENCES), "the bonus entry's reference is replaced");
        assertEquals(List.of(Erasure.ERASED_REFERENCE), warehouse.read(Tables.POINTS_LEDGER).where("customer_id = 'C2' and source_id <> 'source_id-value'")
                .select("source_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertEquals(2L, result.rowsDeleted().get("quarantine"));
        assertEquals(List.of("q3", "q4"), warehouse.read(Tables.QUARANTINE).orderBy("record_id").select("record_id").as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertEquals(2L, result.rowsDeleted().get(Erasure.EXPORTS));
        assertEquals(List.of("o2,C10,camp", "o4,C2,camp"), exportLines());
        assertEquals(0, filesHolding(warehouse), "no data file of any table holds the customer after VACUUM");

        Row audit = warehouse.read(Tables.ERASURE_LOG).first();
        assertEquals(1, warehouse.read(Tables.ERASURE_LOG).count());
        assertEquals(ERASED_SHA256, audit.getString(audit.fieldIndex("customer_sha256")));
        Map<String, Long> counts = audit.getJavaMap(audit.fieldIndex("rows_deleted"));
        for (TableSpec table : Erasure.customerTables()) {
            assertEquals(2L, counts.get(table.name()), table.name());
        }
        assertEquals(2L, counts.get("quarantine"));
        assertEquals(2L, counts.get(Erasure.EXPORTS));
        assertFalse(warehouse.read(Tables.ERASURE_LOG).toJSON().collectAsList().toString().contains("\"C1\""), "the audit keeps no id");
    }

    @Test
    void withTheDefaultRetentionOldFilesStayUntilTheStatedTimeAndMaintainRemovesThem() throws IOException {
        // Two tables are enough for the retention: that every table is erased is checked above.
        List<TableSpec> tables = List.of(Tables.TRANSACTIONS, Tables.CUSTOMER_MODEL);
        RunContext context = fill("168", tables);
        Warehouse warehouse = context.warehouse();
        Erasure.Result result = new Erasure(context).forget(Set.of(ERASED));
        for (TableSpec table : tables) {
            assertEquals(0, holding(warehouse.read(table), table), table.name());
        }
        assertEquals(WarehouseFixture.NOW.plus(Duration.ofHours(168)), result.oldFilesRemovedBy());
        assertTrue(filesHolding(warehouse) > 0, "files removed from the tables stay on disk within the retention");

        var later = new dev.onetoone.config.ConfigLoader().withOverrides(Map.of("maintenance.vacuum-retention-hours", "0")).load().operations();
        new Maintenance(warehouse, later, context.clock()).run();
        assertEquals(0, filesHolding(warehouse));
    }

    /** Rows in which any customer column of the table (customer_id, or either side of a referral) names the erased id. */
    private static long holding(Dataset<Row> rows, TableSpec table) {
        org.apache.spark.sql.Column any = org.apache.spark.sql.functions.lit(false);
        for (String column : Erasure.customerColumns(table)) {
            any = any.or(rows.col(column).equalTo(ERASED));
        }
        return rows.where(any).count();
    }

    /**
     * Data files (Parquet, the transaction log left out) in which some cell holds the erased id as a token. Each
     * table's files are read in one scan, every row tagged with its file.
     */
    private static long filesHolding(Warehouse warehouse) {
        long files = 0;
        for (TableSpec table : Tables.ALL) {
            List<String> paths = Maintenance.dataFilePaths(warehouse, table).stream().map(Object::toString).toList();
            if (paths.isEmpty()) {
                continue;
            }
            Dataset<Row> rows = spark().read().option("mergeSchema", "true").parquet(paths.toArray(new String[0]));
            org.apache.spark.sql.Column cells = org.apache.spark.sql.functions.to_json(org.apache.spark.sql.functions.struct(
                    java.util.Arrays.stream(rows.columns()).map(rows::col).toArray(org.apache.spark.sql.Column[]::new)));
            files += rows.where(cells.rlike(TOKEN)).select(org.apache.spark.sql.functions.input_file_name()).distinct().count();
        }
        return files;
    }

    private List<String> exportLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory.resolve("warehouse/exports"))) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                Files.readAllLines(file).stream().skip(1).forEach(lines::add);
            }
        }
        lines.sort(String::compareTo);
        return lines;
    }

    private static void writeExport(Path channel, String rows) throws IOException {
        Files.createDirectories(channel);
        Files.writeString(channel.resolve("part-00000.csv"), "offer_id,customer_id,campaign_id\n" + rows);
    }

    private static Row quarantineRow(String id, String raw, Timestamp at) {
        return RowFactory.create(id, "run", "transactions", "file.csv", raw, List.of("unparsable_amount"), "unparsable_amount", at);
    }

    /** One row per customer, every customer column holding that customer, with a plain value of each other column's type. */
    private static Dataset<Row> rows(TableSpec table, List<String> customers) {
        List<Row> rows = new ArrayList<>();
        for (String customer : customers) {
            var values = new ArrayList<Object>();
            for (StructField field : table.schema().fields()) {
                values.add(Erasure.customerColumns(table).contains(field.name()) ? customer : value(field.dataType(), field.name()));
            }
            rows.add(RowFactory.create(values.toArray()));
        }
        return spark().createDataFrame(rows, table.schema());
    }

    private static Object value(DataType type, String column) {
        if (type instanceof StringType) {
            return column + "-value";
        } else if (type instanceof IntegerType) {
            return 1;
        } else if (type instanceof LongType) {
            return 1L;
        } else if (type instanceof DoubleType) {
            return 1.0;
        } else if (type instanceof BooleanType) {
            return false;
        } else if (type instanceof DateType) {
            return Date.valueOf("2025-12-31");
        } else if (type instanceof TimestampType) {
            return Timestamp.from(WarehouseFixture.NOW);
        } else if (type instanceof DecimalType) {
            return BigDecimal.ONE;
        } else if (type instanceof ArrayType array) {
            return List.of(value(array.elementType(), column));
        } else if (type instanceof MapType) {
            return new HashMap<>();
        } else if (type instanceof org.apache.spark.sql.types.BinaryType) {
            return (column + "-value").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("no test value for " + type + " (column " + column + ")");
    }
}
