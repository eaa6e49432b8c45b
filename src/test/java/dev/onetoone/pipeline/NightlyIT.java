package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.cli.OneToOneCli;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.AffinityChecks;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The nightly command reruns a night: on a copy of the shared sample night's warehouse ({@link SampleNight}), the
 * command for the same date with the same settings exits 0, names the tables, changes no table's row count, decides
 * the same offers, and adds one run_log row per stage. Its affinity stage carries the night's own ranking instead of
 * ranking again: no line came since, so only the active customers the first run could not rank are ranked again, and
 * every product_affinity row stays as it was. The first night is the shared one (built once per test JVM), so the
 * test costs one night, not two. A backfilled night (an earlier date after a later one) is checked in ModelIT.
 */
class NightlyIT extends SparkTestSupport {
    private static final LocalDate AS_OF = SampleNight.AS_OF;

    /** One night through the command line, as a user runs it in process: exit code 0 and the summary naming the tables. */
    private static void nightlyCommand(Path warehouseDir, Map<String, String> settings) {
        var arguments = new ArrayList<>(List.of("nightly", "--as-of", AS_OF.toString(), "--input", SampleNight.SAMPLE,
                "--warehouse", warehouseDir.toString()));
        settings.forEach((key, value) -> arguments.addAll(List.of("-D", key + "=" + value)));
        var out = new StringWriter();
        var err = new StringWriter();
        int exitCode = OneToOneCli.execute(arguments.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, exitCode, err.toString());
        assertTrue(out.toString().contains("tables in " + warehouseDir), out.toString());
    }

    private static Map<String, Long> counts(Warehouse warehouse) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TableSpec table : Tables.ALL) {
            if (table != Tables.RUN_LOG && warehouse.exists(table)) {
                counts.put(table.name(), warehouse.read(table).count());
            }
        }
        return counts;
    }

    /** The offers of a date as text, without the run id (small: a few hundred rows). */
    private static List<String> offerRows(Warehouse warehouse, LocalDate asOf) {
        return warehouse.readAsOf(Tables.OFFERS, asOf).drop("run_id").orderBy("offer_id").collectAsList().stream().map(Row::toString).toList();
    }

    /** The product_affinity rows of a date as text (a few tens of thousands). */
    private static List<String> affinityRows(Warehouse warehouse, LocalDate asOf) {
        return warehouse.readAsOf(Tables.PRODUCT_AFFINITY, asOf).orderBy("customer_id", "rank").collectAsList().stream().map(Row::toString).toList();
    }

    /** The details of the latest affinity run_log row for the date. */
    private static Map<String, Long> affinityDetails(Warehouse warehouse, LocalDate asOf) {
        Row log = warehouse.read(Tables.RUN_LOG).where(col("stage").equalTo("affinity").and(col("as_of").equalTo(java.sql.Date.valueOf(asOf))))
                .orderBy(col("ended_at").desc()).first();
        return log.getJavaMap(log.fieldIndex("details"));
    }

    @Test
    void aSecondRunForTheSameDateChangesNoCountsAndDecidesTheSameOffers(@TempDir Path directory) throws IOException {
        Path warehouseDir = WarehouseFixture.copy(Path.of(SampleNight.warehouse().root()), directory.resolve("warehouse"));
        Warehouse warehouse = WarehouseFixture.context(warehouseDir, Map.of()).warehouse();
        Map<String, Long> before = counts(warehouse);
        List<String> offersBefore = offerRows(warehouse, AS_OF);
        List<String> affinityBefore = affinityRows(warehouse, AS_OF);
        Map<String, Long> firstAffinity = affinityDetails(warehouse, AS_OF);
        long runLogBefore = warehouse.read(Tables.RUN_LOG).count();
        assertTrue(before.get("offers") > 0 && before.get("product_affinity") > 0 && before.get("points_ledger") > 0, before.toString());
        AffinityChecks.assertEveryActiveCustomerHasARanking(warehouse, AS_OF);

        Map<String, String> settings = new HashMap<>(SampleNight.settings(directory));
        settings.put("spark.sql.shuffle.partitions", "2");
        nightlyCommand(warehouseDir, settings);

        assertEquals(before, counts(warehouse));
        assertEquals(offersBefore, offerRows(warehouse, AS_OF), "a rerun decides the same offers");
        Map<String, Long> rerunAffinity = affinityDetails(warehouse, AS_OF);
        assertEquals(1L, firstAffinity.get("ranking_full"));
        assertEquals(0L, rerunAffinity.get("ranking_full"), rerunAffinity.toString());
        assertEquals(AS_OF.toEpochDay(), rerunAffinity.get("carried_from_epoch_day"));
        assertEquals(firstAffinity.getOrDefault("customers_without_ranking", 0L), rerunAffinity.get("customers_reranked"),
                "only the active customers the first run could not rank are ranked again");
        assertEquals(firstAffinity.get("customers_ranked"), rerunAffinity.get("customers_carried"));
        assertEquals(affinityBefore, affinityRows(warehouse, AS_OF), "the rerun keeps every product_affinity row");
        assertEquals(runLogBefore + 8, warehouse.read(Tables.RUN_LOG).count(),
                "one row per stage: ingest products, customers, transactions; rfm; loyalty; model; affinity; offers");
        String rerun = warehouse.read(Tables.RUN_LOG).orderBy(col("started_at").desc()).first().getAs("run_id");
        List<String> order = new ArrayList<>();
        for (Row row : warehouse.read(Tables.RUN_LOG).where(col("run_id").equalTo(rerun))
                .orderBy("started_at").collectAsList()) {
            String stage = row.<String>getAs("stage").replaceFirst("^ingest_.*", "ingest");
            if (order.isEmpty() || !order.get(order.size() - 1).equals(stage)) {
                order.add(stage);
            }
        }
        assertEquals(NightlyPipeline.STAGES, order, "the night runs its stages in the documented order");
    }
}
