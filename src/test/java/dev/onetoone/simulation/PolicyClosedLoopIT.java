package dev.onetoone.simulation;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.Tables;
import dev.onetoone.results.PolicyEstimator;
import dev.onetoone.results.TargetPolicy;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * Off-policy evaluation on the simulator's closed loop: the shared sample night's offers (its engine set to
 * elasticity 30, the simulated customers too) are logged in waves with their control, holdout and explore groups,
 * the simulated customers answer, and evaluate-policy estimates from that log alone what three other policies would
 * have earned; each policy is then run in the simulator on the same planned offers for its true value
 * ({@link PolicyClosedLoop}). The intervals must cover the truths. The thresholds are set from the night itself (the
 * median net_expected_margin of its planned offers, half of its largest campaign's planned offers), so that each
 * policy sends some planned offers and withholds others.
 */
class PolicyClosedLoopIT extends SparkTestSupport {
    private static final int WAVES = 6;

    @TempDir
    static Path work;

    private static PolicyClosedLoop.Result result;

    @BeforeAll
    static void runTheLoop() throws Exception {
        Path warehouse = WarehouseFixture.copy(Path.of(SampleNight.warehouse().root()), work.resolve("engine"));
        var engine = WarehouseFixture.context(warehouse, SampleNight.settings(work));
        var planned = engine.warehouse().readAsOf(Tables.OFFERS, SampleNight.AS_OF).where(col("offer_group").isin("treatment", "control"));
        double median = planned.stat().approxQuantile("net_expected_margin", new double[] {0.5}, 0.0)[0];
        // one row per campaign: small by construction
        Row largest = planned.groupBy("campaign_id").count().orderBy(col("count").desc(), col("campaign_id")).first();
        int cap = (int) (largest.getLong(1) / 2);
        result = new PolicyClosedLoop(engine, new PolicyClosedLoop.Settings(Path.of(SampleNight.SAMPLE), work.resolve("loop"), 11, 30.0, WAVES,
                "policy-closed-loop")).run(SampleNight.AS_OF, List.of(TargetPolicy.minNetExpectedMargin(median),
                TargetPolicy.maxOffersPerNight(Map.of(largest.getString(0), cap))));
        for (var policy : result.policies()) {
            for (var estimate : policy.estimated().estimates()) {
                System.out.printf("policy closed loop %-32s true %9.4f %-5s %9.4f [%9.4f, %9.4f] ess %.1f%n", policy.estimated().policy().name(),
                        policy.trueValuePerSlot(), estimate.estimator(), estimate.valuePerSlot(), estimate.ciLow(), estimate.ciHigh(),
                        policy.estimated().effectiveSampleSize());
            }
        }
    }

    private static PolicyClosedLoop.PolicyTruth policy(String name) {
        return result.policies().stream().filter(policy -> policy.estimated().policy().name().equals(name)).findFirst().orElseThrow();
    }

    private static void assertCovered(String name) {
        var policy = policy(name);
        for (var estimate : policy.estimated().estimates()) {
            assertTrue(estimate.covers(policy.trueValuePerSlot()), name + " " + estimate.estimator() + ": true " + policy.trueValuePerSlot()
                    + " outside [" + estimate.ciLow() + ", " + estimate.ciHigh() + "]");
        }
    }

    /** What each policy adds over sending nothing, by the doubly robust estimator, covers the true increment. */
    @Test
    void theDoublyRobustIncrementsOverSendingNothingAreCovered() {
        double nothing = policy("send_nothing").trueValuePerSlot();
        for (String name : List.of("send_all_planned", "min_net_expected_margin", "max_offers_per_night")) {
            var increment = policy(name).estimated().increment(PolicyEstimator.DOUBLY_ROBUST);
            double truth = policy(name).trueValuePerSlot() - nothing;
            System.out.printf("policy closed loop increment %-32s true %9.4f dr %9.4f [%9.4f, %9.4f]%n", name, truth, increment.valuePerSlot(),
                    increment.ciLow(), increment.ciHigh());
            assertTrue(increment.covers(truth), name + ": true increment " + truth + " outside [" + increment.ciLow() + ", " + increment.ciHigh() + "]");
        }
    }

    @Test
    void everyWaveOfPlannedOffersIsASlot() {
        long slots = result.evaluation().slots();
        assertEquals(result.evaluation().rowsByGroup().get("treatment") + result.evaluation().rowsByGroup().get("control"), slots);
        assertEquals(0L, result.evaluation().unrandomised());
        assertTrue(slots >= WAVES * 10L, "slots " + slots);
    }

    @Test
    void theLoggedPolicysIntervalCoversItsTruth() {
        assertCovered("logged");
    }

    @Test
    void sendingNothingIsCovered() {
        assertCovered("send_nothing");
    }

    @Test
    void aThresholdOnTheNetExpectedMarginIsCovered() {
        assertCovered("min_net_expected_margin");
    }

    @Test
    void aCampaignCapPerNightIsCovered() {
        assertCovered("max_offers_per_night");
    }

    @Test
    void sendingEveryPlannedOfferIsCovered() {
        assertCovered("send_all_planned");
    }
}
