package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The offers stage with and without logged outcomes. The shared sample night ({@link SampleNight}) has no earlier
 * offers, so every campaign keeps the assumed response. A copy of it gets a logged night: on 2025-11-01 every
 * modelled customer was planned a second-order offer (basket, 10 % off, valid 2025-11-02 to 2025-11-15), half sent
 * and half withheld by a hash of the customer, each logged with p_purchase_without_offer 0.5 and p_purchase_with_offer
 * from the assumed curve (elasticity 30: a logit shift of 3 x price_sensitivity). Whether the customer bought in
 * the window is read from the sample's own transactions, which no logged offer caused: the true response is 0,
 * whatever the group. With offers.learned-response.min-outcomes 500 the 2,500 outcomes are enough, and the learned
 * response (near 0) must predict the held-out rows better than the assumed one (about 0.9 at the sample's mean
 * price sensitivity of about 0.3, odds multiplied by 2.4) on the same fitted baseline. So the night prices
 * second_order with its learned response and says so; the five other campaigns have no logged outcome and keep
 * the assumed one.
 */
class LearnedResponseNightIT extends SparkTestSupport {
    private static final int CAMPAIGNS = 6;

    @TempDir
    static Path work;

    private static Warehouse learned;
    /** The run of the night after the logged campaign (the copied run_log also holds the sample night's rows). */
    private static String learnedRun;

    @BeforeAll
    static void aNightAfterALoggedCampaign() throws Exception {
        Path directory = WarehouseFixture.copy(Path.of(SampleNight.warehouse().root()), work.resolve("warehouse"));
        var settings = new HashMap<>(SampleNight.settings(work));
        settings.put("offers.learned-response.min-outcomes", "500");
        RunContext context = WarehouseFixture.context(directory, settings);
        learned = context.warehouse();
        learned.readAsOf(Tables.CUSTOMER_MODEL, SampleNight.AS_OF).createOrReplaceTempView("modelled");
        Dataset<Row> history = spark().sql("""
                select date'2025-11-01' as as_of, concat('logged-', customer_id) as offer_id, customer_id, 'second_order' as campaign_id,
                  'second_order' as campaign_type, 'percent_off' as offer_form, 'basket' as target_kind,
                  cast(null as string) as target_product_id, cast(null as string) as target_category,
                  10.0 as discount_percent, 0.0 as discount_amount, 0L as bonus_points,
                  case when sent then 'email' end as channel, date'2025-11-02' as valid_from, date'2025-11-15' as valid_to,
                  case when sent then 'treatment' else 'control' end as offer_group, 0.465 as assignment_probability,
                  1 / (1 + exp(-30 * price_sensitivity * 0.1)) as p_purchase_with_offer, 0.5 as p_purchase_without_offer,
                  0.0 as expected_incremental_margin, 0.0 as expected_cost, array('logged') as reason_codes, 30 as priority,
                  'logged-run' as run_id, 0.0 as contact_cost, 0.0 as fatigue_cost, 0.0 as net_expected_margin
                from (select *, pmod(xxhash64(customer_id), 2) = 0 as sent from modelled)
                """);
        learned.append(Tables.OFFERS, history);
        new OffersRunner(context, new RunLog(context)).run(SampleNight.AS_OF);
        learnedRun = context.runId();
    }

    /**
     * The offers row of a run. Chosen by run id, not by time: every test context has the same fixed clock, so the
     * sample night's row and a later one can carry the same ended_at.
     */
    private static Row offersRunLog(Warehouse warehouse, String runId) {
        return warehouse.read(Tables.RUN_LOG).where("stage = 'offers'").where(org.apache.spark.sql.functions.col("run_id").equalTo(runId)).first();
    }

    private static java.util.Map<String, Long> details(Row log) {
        return log.getJavaMap(log.fieldIndex("details"));
    }

    @Test
    void withoutLoggedOutcomesEveryCampaignKeepsTheAssumedResponse() {
        Warehouse night = SampleNight.warehouse();
        List<Row> fits = night.readAsOf(Tables.RESPONSE_MODEL, SampleNight.AS_OF).collectAsList();
        assertEquals(CAMPAIGNS, fits.size());
        for (Row fit : fits) {
            assertEquals(0L, fit.<Long>getAs("outcomes"));
            assertEquals(false, fit.<Boolean>getAs("used"));
            assertEquals("too_few_outcomes", fit.<String>getAs("reason"));
        }
        // the sample night ran offers once (its run's context is not kept: the night may have been run by another JVM)
        List<Row> offersRuns = night.read(Tables.RUN_LOG).where("stage = 'offers'").collectAsList();
        assertEquals(1, offersRuns.size());
        Row log = offersRuns.get(0);
        assertEquals(0L, details(log).get("response_learned_campaigns"));
        assertEquals((long) CAMPAIGNS, details(log).get("response_assumed_campaigns"));
        assertTrue(log.<String>getAs("message").contains("response assumed (elasticity 30.0) for every campaign"), log.<String>getAs("message"));
    }

    @Test
    void theLoggedCampaignIsPricedWithItsLearnedResponseAndTheRunLogSaysSo() {
        Row log = offersRunLog(learned, learnedRun);
        assertEquals(1L, details(log).get("response_learned_campaigns"));
        assertEquals(CAMPAIGNS - 1L, details(log).get("response_assumed_campaigns"));
        assertTrue(log.<String>getAs("message").contains("response learned for [second_order (elasticity"), log.<String>getAs("message"));
    }

    @Test
    void theResponseModelRowsSayWhichFitIsUsedAndWhy() {
        List<Row> fits = learned.readAsOf(Tables.RESPONSE_MODEL, SampleNight.AS_OF).orderBy("campaign_id").collectAsList();
        assertEquals(CAMPAIGNS, fits.size());
        long modelled = learned.readAsOf(Tables.CUSTOMER_MODEL, SampleNight.AS_OF).count();
        for (Row fit : fits) {
            if (fit.<String>getAs("campaign_id").equals("second_order")) {
                assertEquals(modelled, fit.<Long>getAs("outcomes"));
                assertEquals(modelled, fit.<Long>getAs("sent_rows") + fit.<Long>getAs("withheld_rows"));
                assertTrue(fit.<Boolean>getAs("converged"));
                assertTrue(fit.<Double>getAs("log_loss_learned") < fit.<Double>getAs("log_loss_prior"));
                assertTrue(fit.<Boolean>getAs("used"));
                assertEquals("learned", fit.<String>getAs("reason"));
            } else {
                assertEquals(0L, fit.<Long>getAs("outcomes"));
                assertEquals(false, fit.<Boolean>getAs("used"));
            }
        }
    }

    @Test
    void aRerunOfTheNightReplacesItsResponseModelRows() throws Exception {
        var settings = new HashMap<>(SampleNight.settings(work));
        settings.put("offers.learned-response.min-outcomes", "500");
        RunContext context = WarehouseFixture.context(Path.of(learned.root()), settings);
        new OffersRunner(context, new RunLog(context)).run(SampleNight.AS_OF);
        assertEquals(CAMPAIGNS, learned.readAsOf(Tables.RESPONSE_MODEL, SampleNight.AS_OF).count());
        assertEquals(1, learned.readAsOf(Tables.RESPONSE_MODEL, SampleNight.AS_OF).where("used").count());
    }
}
