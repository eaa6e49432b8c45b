package dev.onetoone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The command line in process: exit codes, help, configuration errors and SQL output formats (on the shared sample
 * night). The nightly command itself is run by NightlyIT.
 */
class CliIT extends SparkTestSupport {
    private static final String MESSY = WarehouseFixture.sample("data-samples/messy/transactions.csv").toString();

    @TempDir
    static Path shared;

    private static Path warehouse;

    record Outcome(int exitCode, String out, String err) {
    }

    static Outcome run(String... args) {
        spark();
        var out = new StringWriter();
        var err = new StringWriter();
        int code = OneToOneCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString(), err.toString());
    }

    /** The shared sample night's warehouse, for the sql commands; the failing commands get warehouses of their own. */
    @BeforeAll
    static void sampleNight() {
        warehouse = Path.of(SampleNight.warehouse().root());
    }

    @Test
    void everyCommandHasHelpAndExitsZero() {
        for (String command : List.of("nightly", "generate", "ingest", "rfm", "offers", "sql")) {
            Outcome help = run(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().contains("Usage: onetoone " + command), help.out());
        }
        Outcome version = run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("onetoone "), version.out());
    }

    @Test
    void usageErrorsExitWithTwo() {
        Outcome missing = run("rfm");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("--as-of"), missing.err());
        assertEquals(2, run("no-such-command").exitCode());
        assertEquals(2, run("rfm", "--as-of", "31.12.2025").exitCode());
        assertEquals(2, run("ingest", "--warehouse", shared.resolve("scratch").toString()).exitCode());
    }

    @Test
    void configurationErrorsExitWithTwoAndNameTheKey() {
        Outcome unknown = run("rfm", "--as-of", "2025-03-31", "--warehouse", shared.resolve("scratch").toString(), "-D", "rfm.no-such-key=1");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("'rfm.no-such-key'"), unknown.err());
        Outcome bad = run("rfm", "--as-of", "2025-03-31", "--warehouse", shared.resolve("scratch").toString(), "-D", "time-zone=Nowhere/Land");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("'time-zone'"), bad.err());
        Outcome noFile = run("ingest", "--transactions", shared.resolve("absent.csv").toString(), "--warehouse", shared.resolve("scratch").toString());
        assertEquals(2, noFile.exitCode());
        assertTrue(noFile.err().contains("absent.csv"), noFile.err());
    }

    @Test
    void quarantineShareAboveTheThresholdExitsWithThree() {
        Outcome strict = run("ingest", "--transactions", MESSY, "--warehouse", shared.resolve("strict").toString(),
                "-D", "ingest.history-start=2000-01-01");
        assertEquals(3, strict.exitCode());
        assertTrue(strict.err().contains("15 of 35 rows"), strict.err());
    }

    @Test
    void aFailingStageExitsWithOne() throws IOException {
        Path notADirectory = Files.writeString(shared.resolve("plain-file"), "not a warehouse");
        Outcome failed = run("rfm", "--as-of", "2025-03-31", "--warehouse", notADirectory.toString());
        assertEquals(1, failed.exitCode(), failed.err());
    }

    /** The expected counts are the sample's: 300 products, 2,500 customers, 50,537 lines (data-samples/sample/manifest.json). */
    @Test
    void sqlPrintsPlainCsvWithTheExpectedRows() {
        Outcome csv = run("sql", "select stage, rows_in, rows_out from run_log where stage like 'ingest_%' order by stage",
                "--format", "csv", "--warehouse", warehouse.toString());
        assertEquals(0, csv.exitCode(), csv.err());
        assertEquals(String.join("\n",
                "stage,rows_in,rows_out",
                "ingest_customers,2500,2500", "ingest_products,300,300", "ingest_transactions,50537,50537") + "\n",
                csv.out().replace("\r\n", "\n"));
    }

    @Test
    void sqlSeesEveryTableAndRfmCoversEveryBuyer() {
        Outcome segments = run("sql", "select sum(n) from (select segment, count(*) as n from rfm group by segment)",
                "--format", "csv", "--warehouse", warehouse.toString());
        assertEquals("sum(n)\n2500\n", segments.out().replace("\r\n", "\n"), segments.err());
        Outcome json = run("sql", "select stage, rows_in, rows_out, rows_quarantined from run_log where stage = 'ingest_transactions'",
                "--format", "json", "--warehouse", warehouse.toString());
        assertEquals("{\"stage\":\"ingest_transactions\",\"rows_in\":50537,\"rows_out\":50537,\"rows_quarantined\":0}\n",
                json.out().replace("\r\n", "\n"));
        Outcome table = run("sql", "select count(*) as n from customers", "--warehouse", warehouse.toString());
        assertTrue(table.out().contains("| 2500 |"), table.out());
    }

    /** A statement that is not a query is refused with exit code 2 (one that would change nothing, on the shared night). */
    @Test
    void sqlRefusesAStatementThatIsNotAQuery() {
        Outcome delete = run("sql", "delete from run_log where 1 = 0", "--warehouse", warehouse.toString());
        assertEquals(2, delete.exitCode(), delete.err());
        assertTrue(delete.err().contains("refused: only queries may run"), delete.err());
    }

    @Test
    void csvFieldsAreQuotedOnlyWhenNeeded() {
        assertEquals("plain", SqlCommand.csvField("plain"));
        assertEquals("\"a,b\"", SqlCommand.csvField("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", SqlCommand.csvField("say \"hi\""));
    }
}
