package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.cli.OneToOneCli;
import dev.onetoone.generate.GeneratorConfig;
import dev.onetoone.generate.GeneratorSummary;
import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.AffinityChecks;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The nightly command on a small generated warehouse (300 customers, six months): complete, and idempotent for a date.
 * A backfilled night (an earlier date after a later one) is checked on the sample in ModelIT.
 */
class NightlyIT extends SparkTestSupport {
    private static final LocalDate END = LocalDate.of(2025, 6, 30);

    /**
     * One night through the command line, as a user runs it in process: exit code 0 and the summary naming the tables.
     * ALS is exercised on the sample (SampleNight); here it would only add fits to a test about completeness.
     */
    private static void nightlyCommand(Path input, Path warehouseDir) {
        spark();
        var out = new StringWriter();
        var err = new StringWriter();
        int exitCode = OneToOneCli.execute(new String[] {"nightly", "--as-of", END.toString(), "--input", input.toString(),
                "--warehouse", warehouseDir.toString(), "-D", "affinity.weight.collaborative=0"}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, exitCode, err.toString());
        assertTrue(out.toString().contains("tables in " + warehouseDir), out.toString());
    }

    private static Map<String, Long> counts(Warehouse warehouse) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TableSpec table : Tables.ALL) {
            if (table != Tables.RUN_LOG) {
                counts.put(table.name(), warehouse.read(table).count());
            }
        }
        return counts;
    }

    /** The offers of a date as text, without the run id (small: a few hundred rows). */
    private static List<String> offerRows(Warehouse warehouse, LocalDate asOf) {
        return warehouse.readAsOf(Tables.OFFERS, asOf).drop("run_id").orderBy("offer_id").collectAsList().stream().map(Row::toString).toList();
    }

    @Test
    void aSecondRunForTheSameDateChangesNoCountsAndDecidesTheSameOffers(@TempDir Path input, @TempDir Path warehouseDir) throws IOException {
        GeneratorSummary generated = new SyntheticDataGenerator(
                GeneratorConfig.of(300, LocalDate.of(2025, 1, 1), END, 7)).generate(input);

        Warehouse warehouse = WarehouseFixture.context(warehouseDir, Map.of()).warehouse();
        nightlyCommand(input, warehouseDir);
        Map<String, Long> afterFirst = counts(warehouse);
        assertEquals(generated.transactionLines(), afterFirst.get("transactions"));
        assertEquals(0L, afterFirst.get("quarantine"));
        assertEquals(300L, afterFirst.get("customers"));
        assertEquals(300L, afterFirst.get("rfm"), "every generated customer bought at least once");
        assertEquals(8L, warehouse.read(Tables.RUN_LOG).count(), "ingest products, customers, transactions; rfm; model; affinity; loyalty; offers");
        AffinityChecks.assertEveryActiveCustomerHasARanking(warehouse, END);

        List<String> offersAfterFirst = offerRows(warehouse, END);
        nightlyCommand(input, warehouseDir);
        assertEquals(afterFirst, counts(warehouse));
        assertEquals(offersAfterFirst, offerRows(warehouse, END), "a rerun decides the same offers");
        assertEquals(16L, warehouse.read(Tables.RUN_LOG).count(), "the run log records both runs");
    }
}
