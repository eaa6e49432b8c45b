package dev.onetoone.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.testing.SparkTestSupport;

/**
 * A smoke test of the whole loop on the shared sample night ({@link ClosedLoopScenario}): the engine decides the
 * night's offers, the same offers also go to customers drawn at random, the simulated customers respond to both from
 * their truth, and offer-results measures each arm against its own control group. Two waves are enough to check the
 * mechanics (the same offers and control groups in both arms, the waves re-split and all measured, the truth favouring
 * the engine); whether offer-results can tell the arms apart needs about 8,400 offers per arm, the 20 waves of
 * {@link ClosedLoopPoweredIT}, which is run on demand (docs/measurement.md).
 */
class ClosedLoopIT extends SparkTestSupport {
    static final int WAVES = 2;

    @TempDir
    static Path work;

    private static ClosedLoopScenario.Outcome outcome;
    private static ClosedLoopExperiment.Result result;

    @BeforeAll
    static void runTheLoop() throws Exception {
        outcome = ClosedLoopScenario.run(work, WAVES);
        result = outcome.result();
    }

    @Test
    void bothArmsSendTheSameOffersAndWithholdTheSameControlGroups() {
        assertEquals(result.targeted().measured().size(), result.random().measured().size());
        for (int index = 0; index < result.targeted().measured().size(); index++) {
            var targeted = result.targeted().measured().get(index);
            var random = result.random().measured().get(index);
            assertEquals(targeted.campaignId(), random.campaignId());
            assertEquals(targeted.offersSent(), random.offersSent(), targeted.campaignId());
            assertEquals(targeted.withheldRows(), random.withheldRows(), targeted.campaignId());
        }
        assertEquals(List.of("replenishment", "second_order", "all"),
                result.targeted().measured().stream().map(ClosedLoopExperiment.Measured::campaignId).toList());
    }

    /** Every wave repeats all of the night's treatment, control and holdout rows, and offer-results measures them all. */
    @Test
    void everyWaveOfTheNightIsMeasured() {
        var all = result.targeted().all();
        assertEquals(WAVES * outcome.nightRows(), all.offersSent() + all.withheldRows());
        assertTrue(all.offersSent() > 0 && all.withheldRows() > 0, "sent " + all.offersSent() + ", withheld " + all.withheldRows());
        assertEquals(dev.onetoone.testing.SampleNight.AS_OF, result.from());
        assertTrue(result.to().isAfter(result.from()), "the second wave is dated later: " + result.to());
    }

    @Test
    void targetedOffersTrulyAddMoreMarginThanTheSameOffersToRandomCustomers() {
        assertTrue(result.targeted().trueIncrement() > 0, "true increment of the targeted offers " + result.targeted().trueIncrement());
        assertTrue(result.trueDifference() > 0, "true difference " + result.trueDifference());
    }

    /**
     * Both arms send the same offers on the same channels, so they pay the same contact cost, and the difference net
     * of contact costs is the gross difference. Every sent offer costs one of the configured channel costs (email
     * 0.02, SMS 0.08, push 0.005), so the cost per sent offer lies between the cheapest and the dearest.
     */
    @Test
    void bothArmsPayTheSameContactCostForTheirSentOffers() {
        double targeted = result.targeted().contactCost();
        long sent = result.targeted().all().offersSent();
        assertEquals(targeted, result.random().contactCost(), 1e-9);
        assertTrue(targeted >= 0.005 * sent - 1e-9 && targeted <= 0.08 * sent + 1e-9, targeted + " for " + sent + " sent offers");
        assertEquals(result.targeted().all().incrementalMargin() - targeted, result.targeted().measuredNetIncrement(), 1e-9);
        assertEquals(result.measuredDifference(), result.measuredNetDifference(), 1e-6);
        assertEquals(result.trueDifference(), result.trueNetDifference(), 1e-6);
    }

    /** Each arm's measured increment is unbiased: its 95% interval covers the arm's true expected increment. */
    @Test
    void eachArmsIntervalCoversItsTrueIncrement() {
        for (var arm : List.of(result.targeted(), result.random())) {
            double truth = arm.trueIncrement();
            var all = arm.all();
            assertTrue(all.ciLow() <= truth && truth <= all.ciHigh(), arm.name() + ": [" + all.ciLow() + ", " + all.ciHigh() + "] covers " + truth);
        }
    }
}
