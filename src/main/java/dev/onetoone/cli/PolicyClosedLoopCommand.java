package dev.onetoone.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.onetoone.config.ConfigException;
import dev.onetoone.results.PolicyEstimator;
import dev.onetoone.results.TargetPolicy;
import dev.onetoone.simulation.PolicyClosedLoop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "policy-closed-loop", mixinStandardHelpOptions = true,
        description = {"On a warehouse loaded from a generated sample: log the engine's offers of one as-of date (repeated in waves, "
                + "with their control, holdout and explore groups), simulate the responses from the sample's truth, estimate each "
                + "policy with evaluate-policy from that log alone (in a warehouse of its own under --out), run each policy in the "
                + "simulator for its true value, and print truth and estimates side by side.",
                "Deterministic for a seed and a salt."})
final class PolicyClosedLoopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    SimulationOptions simulation;

    @Mixin
    PolicyOptions policies;

    @Option(names = "--as-of", required = true, paramLabel = "DATE", description = "As-of date of the engine's offers.")
    LocalDate asOf;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Work directory for the log (created if missing).")
    Path out;

    @Option(names = "--waves", defaultValue = "1", paramLabel = "N",
            description = "Repeat the night's decisions N times, each later and with a fresh control split (default ${DEFAULT-VALUE}).")
    int waves;

    @Option(names = "--salt", defaultValue = "policy-closed-loop", paramLabel = "TEXT",
            description = "Salt of the waves' control split (default ${DEFAULT-VALUE}).")
    String salt;

    @Override
    public Integer call() throws IOException {
        var alternatives = policies.alternatives();
        var context = CommandContext.start(common, "policy-closed-loop");
        PolicyClosedLoop.Result result;
        try {
            result = new PolicyClosedLoop(context, new PolicyClosedLoop.Settings(simulation.sample, out, simulation.seed, simulation.elasticity,
                    waves, salt)).run(asOf, alternatives);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        var writer = spec.commandLine().getOut();
        writer.println(report(result, simulation.elasticity));
        writer.flush();
        return ExitCodes.OK;
    }

    /** Per policy: the true value per planned offer, and each estimator's value and interval, and whether it covers. */
    static String report(PolicyClosedLoop.Result result, double elasticity) {
        var evaluation = result.evaluation();
        var text = new StringBuilder(String.format(Locale.ROOT,
                "policy closed loop over offers decided %s to %s, simulated with elasticity %s: %d planned offers, logged rows %s%n",
                result.from(), result.to(), elasticity, evaluation.slots(), evaluation.rowsByGroup()));
        text.append(String.format(Locale.ROOT, "  %-32s %10s %8s %10s %23s %7s%n", "policy", "true/slot", "estim.", "value", "95% CI", "covers"));
        for (var policy : result.policies()) {
            for (var estimate : policy.estimated().estimates()) {
                String truth = Double.isNaN(policy.trueValuePerSlot()) ? "not run" : String.format(Locale.ROOT, "%.4f", policy.trueValuePerSlot());
                if (!estimate.estimable()) {
                    text.append(String.format(Locale.ROOT, "  %-32s %10s %8s %10s %23s %7s%n", policy.estimated().policy().name(), truth,
                            estimate.estimator(), "-", "not estimable", "-"));
                    continue;
                }
                text.append(String.format(Locale.ROOT, "  %-32s %10s %8s %10.4f %23s %7s%n", policy.estimated().policy().name(), truth,
                        estimate.estimator(), estimate.valuePerSlot(), String.format(Locale.ROOT, "[%.4f, %.4f]", estimate.ciLow(), estimate.ciHigh()),
                        Double.isNaN(policy.trueValuePerSlot()) ? "-" : estimate.covers(policy.trueValuePerSlot()) ? "yes" : "NO"));
            }
        }
        double nothing = result.policies().stream().filter(policy -> policy.estimated().policy().kind() == TargetPolicy.Kind.SEND_NOTHING)
                .mapToDouble(PolicyClosedLoop.PolicyTruth::trueValuePerSlot).findFirst().orElse(Double.NaN);
        text.append(String.format(Locale.ROOT, "  increments over send_nothing (the same slots, paired):%n"));
        for (var policy : result.policies()) {
            double truth = policy.trueValuePerSlot() - nothing;
            for (var increment : policy.estimated().increments()) {
                if (!increment.estimable() || Double.isNaN(truth)) {
                    continue;
                }
                text.append(String.format(Locale.ROOT, "  %-32s %10.4f %8s %10.4f %23s %7s%n", policy.estimated().policy().name(), truth,
                        increment.estimator(), increment.valuePerSlot(),
                        String.format(Locale.ROOT, "[%.4f, %.4f]", increment.ciLow(), increment.ciHigh()), increment.covers(truth) ? "yes" : "NO"));
            }
        }
        for (var policy : result.policies()) {
            text.append(String.format(Locale.ROOT, "  %s: %s; effective sample size %.1f%n", policy.estimated().policy().name(),
                    policy.estimated().policy().definition(), policy.estimated().effectiveSampleSize()));
            if (!policy.estimated().estimate(PolicyEstimator.IPS).estimable()) {
                text.append("    ").append(policy.estimated().estimate(PolicyEstimator.IPS).note()).append('\n');
            }
        }
        return text.toString().stripTrailing();
    }
}
