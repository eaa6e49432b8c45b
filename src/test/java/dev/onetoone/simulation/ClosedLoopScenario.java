package dev.onetoone.simulation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.onetoone.io.Tables;
import dev.onetoone.pipeline.OffersRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The closed loop ({@link ClosedLoopExperiment}) on a copy of the shared sample night, set up so that the two
 * targetings can be told apart when the night is repeated often enough:
 * <ul>
 * <li>the simulated customers respond strongly to a discount (elasticity 25), and the engine is calibrated to that
 * (offers.response-elasticity 25), with budgets that do not bind;</li>
 * <li>the campaigns are replenishment and second order, whose targeting the generated truth rewards: a due repeat
 * product is bought with probability 0.8 per basket, and a first-time buyer's return depends on their own rate.
 * Cross-sell, win-back and VIP are left out: the generator has no per-customer product taste for cross-sell to find,
 * win-back's offers to falling customers are worth about as much as to random ones, and recognition costs nothing,
 * so they would add spread without a difference to measure.</li>
 * </ul>
 * The smoke test in the suite ({@link ClosedLoopIT}) runs it with a few waves; the powered run
 * ({@link ClosedLoopPoweredIT}, 20 waves) is run on demand, see docs/measurement.md.
 */
final class ClosedLoopScenario {
    static final double ELASTICITY = 25.0;
    static final List<String> CAMPAIGNS = List.of("replenishment", "second_order");

    /** What a run gives: the experiment's result and the engine's night rows it repeated (treatment, control, holdout). */
    record Outcome(ClosedLoopExperiment.Result result, long nightRows) {
    }

    private ClosedLoopScenario() {
    }

    static Outcome run(Path work, int waves) throws IOException {
        return run(work, waves, ELASTICITY, ELASTICITY);
    }

    /** The scenario with the engine assuming {@code engineElasticity} and the customers responding with {@code trueElasticity}. */
    static Outcome run(Path work, int waves, double engineElasticity, double trueElasticity) throws IOException {
        Path warehouse = WarehouseFixture.copy(Path.of(SampleNight.warehouse().root()), work.resolve("engine"));
        String shipped = Files.readString(WarehouseFixture.sample("conf/campaigns.properties"));
        String campaigns = shipped.lines()
                .filter(line -> !line.startsWith("campaign.") || CAMPAIGNS.stream().anyMatch(id -> line.startsWith("campaign." + id + ".")))
                .map(line -> line.replaceAll("^(campaign\\.[a-z_]+\\.budget)=\\d+$", "$1=100000"))
                .collect(Collectors.joining("\n"));
        Path campaignsFile = Files.writeString(work.resolve("campaigns.properties"), campaigns);
        RunContext engine = WarehouseFixture.context(warehouse, Map.of(
                "offers.campaigns-file", campaignsFile.toString(),
                "offers.response-elasticity", String.valueOf(engineElasticity),
                "offers.global-budget", "1000000"));
        new OffersRunner(engine, new RunLog(engine)).run(SampleNight.AS_OF);
        long nightRows = engine.warehouse().readAsOf(Tables.OFFERS, SampleNight.AS_OF)
                .where("offer_group in ('treatment', 'control', 'holdout')").count();
        var result = new ClosedLoopExperiment(engine, new ClosedLoopExperiment.Settings(Path.of(SampleNight.SAMPLE), work.resolve("loop"),
                11, trueElasticity, waves, "closed-loop")).run(SampleNight.AS_OF);
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
        return new Outcome(result, nightRows);
    }
}
