package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.onetoone.config.ConfigException;
import dev.onetoone.pipeline.PolicyEvaluationRunner;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.results.TargetPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evaluate-policy", mixinStandardHelpOptions = true,
        description = {"Estimate from the logged offers of a period and their outcomes (as offer-results measures them) what other offer "
                + "policies would have earned, without running them: inverse propensity (IPS, self-normalised SNIPS) and doubly robust "
                + "(DR) estimates with 95%% intervals, for the logged policy, sending every planned offer, sending nothing, and the "
                + "policies asked for below; written to policy_evaluation (a rerun replaces the period). See docs/measurement.md."})
final class EvaluatePolicyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--from", required = true, paramLabel = "DATE", description = "First as-of date of the offers evaluated.")
    LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last as-of date of the offers evaluated.")
    LocalDate to;

    @Option(names = "--min-expected-incremental-margin", paramLabel = "AMOUNT",
            description = "Evaluate sending only the planned offers whose expected_incremental_margin is at least AMOUNT.")
    Double minExpectedIncrementalMargin;

    @Option(names = "--min-net-expected-margin", paramLabel = "AMOUNT",
            description = "Evaluate sending only the planned offers whose net_expected_margin (net of contact and fatigue costs) is at least AMOUNT.")
    Double minNetExpectedMargin;

    @Option(names = "--max-offers-per-night", paramLabel = "CAMPAIGN=N",
            description = "Evaluate a cap: per night, at most N offers of CAMPAIGN, the highest net_expected_margin first (repeatable; one policy).")
    Map<String, Integer> maxOffersPerNight = new LinkedHashMap<>();

    @Option(names = "--step", paramLabel = "CAMPAIGN=STEP",
            description = "Evaluate sending CAMPAIGN's planned offers at another discount step (repeatable; one policy). Estimable only where the "
                    + "log has sent that step to planned offers.")
    Map<String, Double> steps = new LinkedHashMap<>();

    @Override
    public Integer call() {
        List<TargetPolicy> alternatives = alternatives();
        var context = CommandContext.start(common, "evaluate-policy");
        var outcome = new PolicyEvaluationRunner(context, new RunLog(context)).run(from, to, alternatives);
        Summaries.print(spec, context, List.of(outcome.stage()));
        return ExitCodes.OK;
    }

    /** The policies the options ask for, each validated with the option's name in the message. */
    List<TargetPolicy> alternatives() {
        List<TargetPolicy> policies = new ArrayList<>();
        if (minExpectedIncrementalMargin != null) {
            policies.add(TargetPolicy.minExpectedIncrementalMargin(finite("--min-expected-incremental-margin", minExpectedIncrementalMargin)));
        }
        if (minNetExpectedMargin != null) {
            policies.add(TargetPolicy.minNetExpectedMargin(finite("--min-net-expected-margin", minNetExpectedMargin)));
        }
        if (!maxOffersPerNight.isEmpty()) {
            maxOffersPerNight.forEach((campaign, cap) -> {
                if (cap == null || cap < 0) {
                    throw new ConfigException("--max-offers-per-night " + campaign + "=" + cap + ": the cap must be a whole number, 0 or more");
                }
            });
            policies.add(TargetPolicy.maxOffersPerNight(maxOffersPerNight));
        }
        if (!steps.isEmpty()) {
            steps.forEach((campaign, step) -> {
                if (step == null || !Double.isFinite(step) || step < 0) {
                    throw new ConfigException("--step " + campaign + "=" + step + ": the step must be a finite number, 0 or more");
                }
            });
            policies.add(TargetPolicy.steps(steps));
        }
        return policies;
    }

    private static double finite(String option, double value) {
        if (!Double.isFinite(value)) {
            throw new ConfigException(option + " " + value + ": must be a finite number");
        }
        return value;
    }
}
