package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

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

    @Mixin
    PolicyOptions policies;

    @Override
    public Integer call() {
        List<TargetPolicy> alternatives = policies.alternatives();
        var context = CommandContext.start(common, "evaluate-policy");
        var outcome = new PolicyEvaluationRunner(context, new RunLog(context)).run(from, to, alternatives);
        Summaries.print(spec, context, List.of(outcome.stage()));
        return ExitCodes.OK;
    }
}
