package dev.onetoone.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.onetoone.config.ConfigException;
import dev.onetoone.offers.OfferGroup;
import dev.onetoone.results.OfferLift;
import dev.onetoone.results.OfferOutcomes;
import dev.onetoone.simulation.ClosedLoopExperiment;
import dev.onetoone.simulation.TrueResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "closed-loop", mixinStandardHelpOptions = true,
        description = {"On a warehouse loaded from a generated sample: give the offers of one as-of date to the customers the "
                + "engine chose and, with the same terms and control groups, to customers drawn at random; simulate both "
                + "sets of responses from the sample's truth; measure each with offer-results against its control group in "
                + "a warehouse of its own under --out; print the truth and the measurements side by side.",
                "Deterministic for a seed and a salt."})
final class ClosedLoopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    SimulationOptions simulation;

    @Option(names = "--as-of", required = true, paramLabel = "DATE", description = "As-of date of the engine's offers.")
    LocalDate asOf;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Work directory for the two arms (created if missing).")
    Path out;

    @Option(names = "--waves", defaultValue = "1", paramLabel = "N",
            description = "Repeat the night's decisions N times, each later and with a fresh control split (default ${DEFAULT-VALUE}).")
    int waves;

    @Option(names = "--salt", defaultValue = "closed-loop", paramLabel = "TEXT",
            description = "Salt of the random customers and of the waves' control split (default ${DEFAULT-VALUE}).")
    String salt;

    @Override
    public Integer call() throws IOException {
        var context = CommandContext.start(common, "closed-loop");
        ClosedLoopExperiment.Result result;
        try {
            result = new ClosedLoopExperiment(context, new ClosedLoopExperiment.Settings(simulation.sample, out, simulation.seed, simulation.elasticity, waves, salt)).run(asOf);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        var writer = spec.commandLine().getOut();
        writer.println(report(result, simulation.elasticity));
        writer.flush();
        return ExitCodes.OK;
    }

    /** Both arms per campaign: offers, true and measured incremental margin with its interval; then the difference. */
    static String report(ClosedLoopExperiment.Result result, double elasticity) {
        var text = new StringBuilder(String.format(Locale.ROOT,
                "closed loop over offers decided %s to %s, simulated with elasticity %s%s%n", result.from(), result.to(),
                elasticity, elasticity == TrueResponse.DEFAULT_ELASTICITY ? " (the default)" : ""));
        text.append(String.format(Locale.ROOT, "  %-8s %-20s %8s %8s %12s %12s %27s%n", "arm", "campaign", "sent", "withheld",
                "true incr.", "measured", "95% CI of measured"));
        for (var arm : List.of(result.targeted(), result.random())) {
            for (var measured : arm.measured()) {
                double truth = measured.campaignId().equals(OfferOutcomes.ALL) ? arm.trueIncrement()
                        : arm.truth().group(measured.campaignId(), OfferGroup.TREATMENT.value()).map(group -> group.trueExpectedIncrementalMargin()).orElse(0.0);
                text.append(String.format(Locale.ROOT, "  %-8s %-20s %8d %8d %12.2f %12.2f %27s%n", arm.name(), measured.campaignId(),
                        measured.offersSent(), measured.withheldRows(), truth, measured.incrementalMargin(),
                        String.format(Locale.ROOT, "[%.2f, %.2f]", measured.ciLow(), measured.ciHigh())));
            }
        }
        for (var arm : List.of(result.targeted(), result.random())) {
            text.append(String.format(Locale.ROOT, "  %s: discount taken by the simulated purchases %.2f%n", arm.name(), arm.discountGiven()));
        }
        double difference = result.measuredDifference();
        double halfWidth = OfferLift.Z_95 * result.differenceStandardError();
        text.append(String.format(Locale.ROOT, "  targeted minus random: true %.2f, measured %.2f, 95%% CI [%.2f, %.2f]%n",
                result.trueDifference(), difference, difference - halfWidth, difference + halfWidth));
        for (var arm : List.of(result.targeted(), result.random())) {
            text.append(String.format(Locale.ROOT, "  %s net of contact costs (%.2f for %d sent offers): true %.2f, measured %.2f%n",
                    arm.name(), arm.contactCost(), arm.all().offersSent(), arm.trueNetIncrement(), arm.measuredNetIncrement()));
        }
        double net = result.measuredNetDifference();
        text.append(String.format(Locale.ROOT, "  targeted minus random, net of contact costs: true %.2f, measured %.2f, 95%% CI [%.2f, %.2f]%n",
                result.trueNetDifference(), net, net - halfWidth, net + halfWidth));
        return text.toString().stripTrailing();
    }
}
