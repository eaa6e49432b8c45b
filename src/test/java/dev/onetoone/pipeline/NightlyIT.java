package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.generate.GeneratorConfig;
import dev.onetoone.generate.GeneratorSummary;
import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/** The nightly run on generated data: complete, and idempotent for a date. */
class NightlyIT extends SparkTestSupport {
    private static final LocalDate END = LocalDate.of(2025, 6, 30);
    /** ALS is exercised on the sample (SampleNight); here it would only add three fits to a test about completeness. */
    private static final Map<String, String> SETTINGS = Map.of("affinity.weight.collaborative", "0");

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
    void aSecondRunForTheSameDateChangesNoCountsAndOtherDatesAreKept(@TempDir Path input, @TempDir Path warehouseDir) throws IOException {
        GeneratorSummary generated = new SyntheticDataGenerator(
                GeneratorConfig.of(300, LocalDate.of(2025, 1, 1), END, 7)).generate(input);

        RunContext first = WarehouseFixture.context(warehouseDir, SETTINGS);
        new NightlyPipeline(first).run(END, Optional.of(input.toString()));
        Warehouse warehouse = first.warehouse();
        Map<String, Long> afterFirst = counts(warehouse);
        assertEquals(generated.transactionLines(), afterFirst.get("transactions"));
        assertEquals(0L, afterFirst.get("quarantine"));
        assertEquals(300L, afterFirst.get("customers"));
        assertEquals(300L, afterFirst.get("rfm"), "every generated customer bought at least once");
        assertEquals(8L, warehouse.read(Tables.RUN_LOG).count(), "ingest products, customers, transactions; rfm; model; affinity; loyalty; offers");
        assertEveryActiveCustomerHasARanking(warehouse, END);

        List<String> offersAfterFirst = offerRows(warehouse, END);
        RunContext second = WarehouseFixture.context(warehouseDir, SETTINGS);
        new NightlyPipeline(second).run(END, Optional.of(input.toString()));
        assertEquals(afterFirst, counts(warehouse));
        assertEquals(offersAfterFirst, offerRows(warehouse, END), "a rerun decides the same offers");
        assertEquals(16L, warehouse.read(Tables.RUN_LOG).count(), "the run log records both runs");

        LocalDate earlier = END.minusMonths(3);
        new NightlyPipeline(WarehouseFixture.context(warehouseDir, SETTINGS)).run(earlier, Optional.empty());
        long customersByEarlier = warehouse.read(Tables.TRANSACTIONS)
                .where("not is_return and purchase_date <= date'" + earlier + "'").select("customer_id").distinct().count();
        assertEquals(customersByEarlier, warehouse.readAsOf(Tables.RFM, earlier).count());
        assertEquals(300L, warehouse.readAsOf(Tables.RFM, END).count(), "the later date is untouched");
        assertEquals(customersByEarlier, warehouse.readAsOf(Tables.CUSTOMER_MODEL, earlier).count(), "a backfilled night is modelled too");
        assertEquals(300L, warehouse.readAsOf(Tables.CUSTOMER_MODEL, END).count());
        assertEquals(300L, warehouse.read(Tables.CUSTOMER_STATE).count(), "a backfill leaves the state of the later night alone");
        assertEveryActiveCustomerHasARanking(warehouse, earlier);
    }

    /** product_affinity: every customer with p_alive >= 0.05 has 1..20 ranked, valid rows; nobody else has any. */
    private static void assertEveryActiveCustomerHasARanking(Warehouse warehouse, LocalDate asOf) {
        warehouse.readAsOf(Tables.CUSTOMER_MODEL, asOf).createOrReplaceTempView("m");
        warehouse.readAsOf(Tables.PRODUCT_AFFINITY, asOf).createOrReplaceTempView("a");
        var spark = warehouse.spark();
        long active = spark.sql("select count(*) from m where p_alive >= 0.05").first().getLong(0);
        assertTrue(active > 100, "most generated customers are active: " + active);
        assertEquals(active, spark.sql("select count(distinct customer_id) from a").first().getLong(0));
        assertEquals(0L, spark.sql("select count(*) from a left anti join m on a.customer_id = m.customer_id and m.p_alive >= 0.05")
                .first().getLong(0), "only active customers are ranked");
        var ranks = spark.sql("select customer_id, count(*) n, min(rank) lo, max(rank) hi from a group by customer_id")
                .where("n > 20 or lo != 1 or hi != n").count();
        assertEquals(0L, ranks, "ranks run 1..n with n <= 20 for every customer");
        assertEquals(0L, spark.sql("select count(*) from a where isnan(score) or score <= 0 or score > 1 "
                + "or source not in ('due_repeat', 'similar_customers', 'bought_together', 'popular_in_category') "
                + "or (is_repeat and last_purchase_date is null) or (not is_repeat and (due_date is not null or last_purchase_date is not null))")
                .first().getLong(0), "scores in (0, 1], known sources, history only on repeat items");
        assertEquals(0L, spark.sql("select count(*) from (select customer_id, category, count(*) c from a group by customer_id, category) where c > 8")
                .first().getLong(0), "at most 8 products of one category");
    }
}
