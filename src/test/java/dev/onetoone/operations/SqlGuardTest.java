package dev.onetoone.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SparkTestSupport;

/** The read-only guard of the sql command: what it refuses, and that refused statements leave the tables as they were. */
class SqlGuardTest extends SparkTestSupport {
    @TempDir
    static Path directory;

    private static Warehouse warehouse;
    private static Path other;
    private static Path secret;
    private static SqlGuard guard;

    @BeforeAll
    static void twoWarehousesAndAFile() throws IOException {
        warehouse = new Warehouse(spark(), directory.resolve("warehouse").toString());
        var rows = strings(columns("run_id", "stage", "status"), List.of(List.of("r1", "ingest", "succeeded"), List.of("r2", "rfm", "failed")))
                .selectExpr("run_id", "stage", "cast(null as date) as as_of", "current_timestamp() as started_at",
                        "current_timestamp() as ended_at", "0.0d as duration_seconds", "1L as rows_in", "1L as rows_out",
                        "0L as rows_quarantined", "status", "cast(null as string) as message", "map('a', 1L) as details");
        warehouse.append(Tables.RUN_LOG, rows);
        warehouse.read(Tables.RUN_LOG).createOrReplaceTempView("run_log");
        other = directory.resolve("other");
        new Warehouse(spark(), other.toString()).append(Tables.RUN_LOG, rows);
        secret = Files.writeString(directory.resolve("secret.txt"), "password\n");
        guard = new SqlGuard(spark(), warehouse.root());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "delete from run_log where status = 'failed'",
        "update run_log set status = 'succeeded'",
        "insert into run_log select * from run_log",
        "insert overwrite table run_log select * from run_log",
        "merge into run_log t using run_log s on t.run_id = s.run_id when matched then delete",
        "drop table run_log",
        "drop view run_log",
        "create table forged as select * from run_log",
        "create or replace temp view run_log as select 1 as x",
        "alter table run_log add columns (x int)",
        "truncate table run_log",
        "optimize run_log",
        "vacuum run_log retain 0 hours",
        "refresh table run_log",
        "cache table run_log",
        "uncache table run_log",
        "set spark.databricks.delta.retentionDurationCheck.enabled=false",
        "reset",
        "add jar /tmp/evil.jar",
        "create function evil as 'com.example.Evil'",
        "explain delete from run_log",
        "begin delete from run_log where status = 'failed'; end",
        "with x as (select 1) insert into run_log select * from run_log",
    })
    void statementsThatChangeTablesOrTheSessionAreRefusedAndLeaveTheTableAsItWas(String statement) {
        var refused = assertThrows(SqlRejectedException.class, () -> guard.query(statement));
        assertTrue(refused.getMessage().contains("not allowed") || refused.getMessage().contains("only queries")
                || refused.getMessage().contains("cannot parse"), refused.getMessage());
        assertEquals(2, warehouse.read(Tables.RUN_LOG).count());
        assertEquals(1, warehouse.read(Tables.RUN_LOG).where("status = 'failed'").count());
    }

    @Test
    void readingAFileByPathIsRefusedWhateverTheFormat() {
        for (String format : List.of("text", "csv", "json", "parquet", "binaryFile", "delta", "orc", "TEXT")) {
            var refused = assertThrows(SqlRejectedException.class,
                    () -> guard.query("select * from " + format + ".`" + secret + "`"), format);
            assertTrue(refused.getMessage().contains("by path"), refused.getMessage());
        }
        assertThrows(SqlRejectedException.class, () -> guard.query("select * from text.`/etc/passwd`"));
        assertThrows(SqlRejectedException.class,
                () -> guard.query("select * from run_log where run_id in (select value from text.`" + secret + "`)"));
    }

    @Test
    void anotherWarehouseIsRefusedEvenThroughAPathInsideThisOne() {
        assertThrows(SqlRejectedException.class, () -> guard.query("select * from delta.`" + other.resolve("run_log") + "`"));
        assertThrows(SqlRejectedException.class,
                () -> guard.query("select * from delta.`" + directory.resolve("warehouse/../other/run_log") + "`"));
    }

    @Test
    void viewsAndCatalogTablesOverForeignPathsAreRefusedByTheAnalysedPlan() {
        spark().read().text(secret.toString()).createOrReplaceTempView("leak");
        var refused = assertThrows(SqlRejectedException.class, () -> guard.query("select * from leak"));
        assertTrue(refused.getMessage().contains(secret.toString()), refused.getMessage());
        spark().read().format("delta").load(other.resolve("run_log").toString()).createOrReplaceTempView("foreign_log");
        assertThrows(SqlRejectedException.class, () -> guard.query("select r.run_id from run_log r join foreign_log f using (run_id)"));
        assertThrows(SqlRejectedException.class,
                () -> guard.query("select * from run_log where exists (select 1 from leak where value = run_log.run_id)"));
    }

    @Test
    void tableFunctionsThatReadAndReflectionAreRefused() {
        assertThrows(SqlRejectedException.class, () -> guard.query("select * from read_files('" + secret + "')"));
        assertThrows(SqlRejectedException.class, () -> guard.query("select reflect('java.lang.System', 'getProperty', 'user.home')"));
        assertThrows(SqlRejectedException.class, () -> guard.query("select java_method('java.lang.System', 'exit', 0)"));
    }

    @Test
    void queriesOverTheWarehouseRunAndGiveTheirRows() {
        assertEquals(1L, guard.query("select count(*) from run_log where status = 'failed'").first().getLong(0));
        Row joined = guard.query("with latest as (select run_id, stage from run_log where stage = 'rfm') "
                + "select l.run_id, (select count(*) from run_log) as runs from latest l join run_log r using (run_id)").first();
        assertEquals("r2", joined.getString(0));
        assertEquals(2L, joined.getLong(1));
        assertEquals(6L, guard.query("select sum(id) from range(4)").first().getLong(0));
        assertEquals(3L, guard.query("select count(*) from (values (1), (2), (3)) as t(x)").first().getLong(0));
        assertEquals(2L, guard.query("select count(*) from (select explode(array(1, 2)))").first().getLong(0));
        assertThrows(SqlRejectedException.class, () -> guard.query("select count(*) from delta.`" + warehouse.path(Tables.RUN_LOG) + "`"),
                "paths are refused even inside the warehouse: tables are read by name");
    }
}
