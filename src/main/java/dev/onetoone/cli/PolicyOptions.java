package dev.onetoone.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.onetoone.config.ConfigException;
import dev.onetoone.results.TargetPolicy;
import picocli.CommandLine.Option;

/** The alternative offer policies a marketer can ask evaluate-policy about; each option given is one policy. */
final class PolicyOptions {
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
