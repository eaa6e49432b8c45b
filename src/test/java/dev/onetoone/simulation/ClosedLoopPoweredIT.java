package dev.onetoone.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.results.OfferLift;
import dev.onetoone.testing.SparkTestSupport;

/**
 * The powered closed loop ({@link ClosedLoopScenario}) with 20 waves, about 8,400 sent offers per arm: from the truth
 * of a trial run, the expected difference between the arms is about four standard errors of its measurement, so the
 * measured difference is expected to clear its 95% interval. It takes several minutes, so the build leaves it out of
 * {@code mvn verify} (see the failsafe excludes in pom.xml); run it with
 * {@code mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ClosedLoopPoweredIT}. Its figures
 * are in docs/measurement.md.
 */
class ClosedLoopPoweredIT extends SparkTestSupport {
    static final int WAVES = 20;

    @TempDir
    static Path work;

    private static ClosedLoopExperiment.Result result;

    @BeforeAll
    static void runTheLoop() throws Exception {
        result = ClosedLoopScenario.run(work, WAVES).result();
    }

    @Test
    void twentyWavesSendThousandsOfOffersPerArm() {
        assertTrue(result.targeted().all().offersSent() > 5_000, "offers sent: " + result.targeted().all().offersSent());
        assertEquals(result.targeted().all().offersSent(), result.random().all().offersSent());
    }

    /** The claim offer-results has to support: measured against the control groups, targeting wins, beyond its interval. */
    @Test
    void offerResultsMeasuresMoreIncrementalMarginForTargetedThanForRandomOffers() {
        double difference = result.measuredDifference();
        double halfWidth = OfferLift.Z_95 * result.differenceStandardError();
        assertTrue(difference - halfWidth > 0, "measured difference " + difference + " +- " + halfWidth + " excludes 0");
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
