package dev.onetoone.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.pipeline.ClosedLoopExperiment;
import dev.onetoone.pipeline.OffersRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The whole loop on the shipped sample ({@link ClosedLoopExperiment}): the engine decides the night's offers from the
 * sample night's models; the same offers are also given to customers drawn at random; the simulated customers
 * respond to both from their truth; offer-results measures each arm against its own control group.
 *
 * <p>The scenario is built so that one test can tell the two targetings apart:
 * <ul>
 * <li>the simulated customers respond strongly to a discount (elasticity 25), and the engine is calibrated to that
 * (offers.response-elasticity 25), with budgets that do not bind;</li>
 * <li>the campaigns are replenishment and second order, whose targeting the generated truth rewards: a due repeat
 * product is bought with probability 0.8 per basket, and a first-time buyer's return depends on their own rate.
 * Cross-sell, win-back and VIP are left out: the generator has no per-customer product taste for cross-sell to find,
 * win-back's offers to falling customers are worth about as much as to random ones, and recognition costs nothing,
 * so they would add spread without a difference to measure;</li>
 * <li>the night's decisions run in 20 waves with a fresh control split each, about 8,400 sent offers per arm. From
 * the truth of a trial run, the expected difference is about four standard errors of its measurement, so the
 * measured difference is expected to clear its 95% interval.</li>
 * </ul>
 */
class ClosedLoopIT extends SparkTestSupport {
    static final double ELASTICITY = 25.0;
    static final int WAVES = 20;
    static final List<String> CAMPAIGNS = List.of("replenishment", "second_order");

    @TempDir
    static Path work;

    private static ClosedLoopExperiment.Result result;

    @BeforeAll
    static void runTheLoop() throws Exception {
        Path warehouse = copy(Path.of(SampleNight.warehouse().root()), work.resolve("engine"));
        String shipped = Files.readString(WarehouseFixture.sample("conf/campaigns.properties"));
        String campaigns = shipped.lines()
                .filter(line -> !line.startsWith("campaign.") || CAMPAIGNS.stream().anyMatch(id -> line.startsWith("campaign." + id + ".")))
                .map(line -> line.replaceAll("^(campaign\\.[a-z_]+\\.budget)=\\d+$", "$1=100000"))
                .collect(Collectors.joining("\n"));
        Path campaignsFile = Files.writeString(work.resolve("campaigns.properties"), campaigns);
        RunContext engine = WarehouseFixture.context(warehouse, Map.of(
                "offers.campaigns-file", campaignsFile.toString(),
                "offers.response-elasticity", String.valueOf(ELASTICITY),
                "offers.global-budget", "1000000"));
        new OffersRunner(engine, new RunLog(engine)).run(SampleNight.AS_OF);
        result = new ClosedLoopExperiment(engine, new ClosedLoopExperiment.Settings(Path.of(SampleNight.SAMPLE), work.resolve("loop"),
                11, ELASTICITY, WAVES, "closed-loop")).run(SampleNight.AS_OF);
        for (var arm : List.of(result.targeted(), result.random())) {
            for (var measured : arm.measured()) {
                System.out.printf("closed loop %-8s %-14s sent %5d withheld %5d measured %9.1f [%9.1f, %9.1f]%n", arm.name(),
                        measured.campaignId(), measured.offersSent(), measured.withheldRows(), measured.incrementalMargin(),
                        measured.ciLow(), measured.ciHigh());
            }
            System.out.printf("closed loop %-8s true increment %.1f, discount given %.1f%n", arm.name(), arm.trueIncrement(), arm.discountGiven());
        }
        System.out.printf("closed loop difference: measured %.1f (standard error %.1f), true %.1f%n", result.measuredDifference(),
                result.differenceStandardError(), result.trueDifference());
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return to;
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
        assertTrue(result.targeted().all().offersSent() > 5_000, "offers sent: " + result.targeted().all().offersSent());
    }

    @Test
    void targetedOffersTrulyAddMoreMarginThanTheSameOffersToRandomCustomers() {
        assertTrue(result.targeted().trueIncrement() > 0, "true increment of the targeted offers " + result.targeted().trueIncrement());
        assertTrue(result.trueDifference() > 0, "true difference " + result.trueDifference());
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
