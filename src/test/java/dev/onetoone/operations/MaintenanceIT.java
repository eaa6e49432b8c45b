package dev.onetoone.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.config.ConfigLoader;
import dev.onetoone.io.Tables;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/** maintain: quarantine raw-record retention, compaction and VACUUM with the configured retention. */
class MaintenanceIT extends SparkTestSupport {
    @TempDir
    Path directory;

    @Test
    void rawRecordsPastTheRetentionAreBlankedOnceAndSmallFilesAreCompactedAndVacuumed() {
        RunContext context = WarehouseFixture.context(directory, Map.of(
                "maintenance.quarantine-raw-retention-days", "90", "maintenance.vacuum-retention-hours", "0"));
        var warehouse = context.warehouse();
        List<Row> quarantined = List.of(
                quarantineRow("old", WarehouseFixture.NOW.minus(Duration.ofDays(100))),
                quarantineRow("recent", WarehouseFixture.NOW.minus(Duration.ofDays(1))));
        // One file for both rows (two local partitions would write two), so the file counts below are exact.
        warehouse.append(Tables.QUARANTINE, spark().createDataFrame(quarantined, Tables.QUARANTINE.schema()).coalesce(1));
        for (int run = 0; run < 3; run++) {
            Timestamp at = Timestamp.from(WarehouseFixture.NOW);
            Row row = RowFactory.create("run" + run, "rfm", Date.valueOf("2025-12-31"), at, at, 0.0, 1L, 1L, 0L, "succeeded", null, Map.of());
            warehouse.append(Tables.RUN_LOG, spark().createDataFrame(List.of(row), Tables.RUN_LOG.schema()));
        }

        var maintenance = new Maintenance(warehouse, context.config().operations(), context.clock());
        Maintenance.Result result = maintenance.run();

        assertEquals(1, result.quarantineRecordsBlanked());
        List<Row> rows = warehouse.read(Tables.QUARANTINE).orderBy("record_id").collectAsList();
        assertEquals(Maintenance.EXPIRED_RAW_RECORD, rows.get(0).getString(rows.get(0).fieldIndex("raw_record")));
        assertEquals("unparsable_amount", rows.get(0).getString(rows.get(0).fieldIndex("reasons")), "reasons stay");
        assertEquals("{\"customer_id\":\"C7\"}", rows.get(1).getString(rows.get(1).fieldIndex("raw_record")));

        var runLog = result.tables().stream().filter(table -> table.table().equals("run_log")).findFirst().orElseThrow();
        assertEquals(3, runLog.filesCompacted(), "three appends, three files");
        assertEquals(1, runLog.filesAdded());
        assertEquals(3, runLog.dataFilesBefore());
        assertEquals(1, runLog.dataFilesAfter(), "retention 0: the three replaced files go");
        assertEquals(3, warehouse.read(Tables.RUN_LOG).count());
        var quarantine = result.tables().stream().filter(table -> table.table().equals("quarantine")).findFirst().orElseThrow();
        assertEquals(2, quarantine.dataFilesBefore(), "the file written and the one the retention update rewrote");
        assertEquals(1, quarantine.dataFilesAfter());

        assertEquals(0, maintenance.blankExpiredRawRecords(), "a second run finds nothing left to blank");
        var keepForever = new ConfigLoader().withOverrides(Map.of("maintenance.quarantine-raw-retention-days", "36500")).load().operations();
        assertEquals(0, new Maintenance(warehouse, keepForever, context.clock()).blankExpiredRawRecords());
    }

    private static Row quarantineRow(String id, java.time.Instant at) {
        return RowFactory.create(id, "run", "transactions", "file.csv", "{\"customer_id\":\"C7\"}", List.of("unparsable_amount"),
                "unparsable_amount", Timestamp.from(at));
    }
}
