package dev.onetoone.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.cli.OneToOneCli;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/** register-tables: the tables by name in the session catalog, with comments, for Spark SQL and for the sql command. */
class RegisterTablesIT extends SparkTestSupport {
    @TempDir
    Path directory;

    @Test
    void registeredTablesAnswerSparkSqlAndTheSqlCommandByNameWithTheirComments() throws Exception {
        Path root = directory.resolve("warehouse");
        var warehouse = new Warehouse(spark(), root.toString());
        Timestamp at = Timestamp.from(WarehouseFixture.NOW);
        List<Row> rows = List.of(
                RowFactory.create("r1", "rfm", Date.valueOf("2025-12-31"), at, at, 0.0, 10L, 9L, 0L, "succeeded", null, Map.of()),
                RowFactory.create("r1", "model", Date.valueOf("2025-12-31"), at, at, 0.0, 9L, 9L, 0L, "succeeded", null, Map.of()));
        warehouse.append(Tables.RUN_LOG, spark().createDataFrame(rows, Tables.RUN_LOG.schema()));

        var out = new StringWriter();
        var err = new StringWriter();
        int code = OneToOneCli.execute(new String[] {"register-tables", "--warehouse", root.toString(), "--database", "register_test"},
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("registered in register_test: run_log"), out.toString());

        assertEquals(19L, spark().sql("select sum(rows_in) from register_test.run_log").first().getLong(0));
        Row comment = spark().sql("describe table register_test.run_log").where("col_name = 'rows_in'").first();
        assertEquals("Rows read by the stage", comment.getString(2));

        var sqlOut = new StringWriter();
        code = OneToOneCli.execute(new String[] {"sql", "select stage from register_test.run_log where rows_in = 9", "--format", "csv",
            "--warehouse", root.toString()}, new PrintWriter(sqlOut), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertEquals("stage\nmodel\n", sqlOut.toString().replace("\r\n", "\n"));

        var again = new StringWriter();
        assertEquals(0, OneToOneCli.execute(new String[] {"register-tables", "--warehouse", root.toString(), "--database", "register_test"},
                new PrintWriter(again), new PrintWriter(err)));
        assertTrue(again.toString().contains("already registered: run_log"), again.toString());
    }

    @Test
    void aCatalogTableWhoseLocationIsOutsideTheWarehouseIsRefusedBySql() {
        Path other = directory.resolve("other");
        var foreign = new Warehouse(spark(), other.toString());
        Timestamp at = Timestamp.from(WarehouseFixture.NOW);
        foreign.append(Tables.RUN_LOG, spark().createDataFrame(List.of(
                RowFactory.create("r1", "rfm", null, at, at, 0.0, 1L, 1L, 0L, "succeeded", null, Map.of())), Tables.RUN_LOG.schema()));
        new TableRegistrar(foreign).register("register_foreign");
        var guard = new SqlGuard(spark(), directory.resolve("warehouse").toString());
        var refused = assertThrows(SqlRejectedException.class, () -> guard.query("select * from register_foreign.run_log"));
        assertTrue(refused.getMessage().contains("only tables under the warehouse"), refused.getMessage());
        assertEquals(1L, new SqlGuard(spark(), other.toString()).query("select count(*) from register_foreign.run_log").first().getLong(0));
    }
}
