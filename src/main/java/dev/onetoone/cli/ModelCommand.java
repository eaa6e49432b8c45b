package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onetoone.pipeline.ModelRunner;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.pipeline.StateUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "model", mixinStandardHelpOptions = true,
        description = {"Fold new purchases into customer_state, fit the population models (BG/NBD, Pareto/NBD, Gamma-Gamma) "
                + "when due, and write one behavioural model per customer to customer_model for the as-of date."})
final class ModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--as-of", required = true, paramLabel = "DATE", description = "Model the transactions up to and including DATE (yyyy-MM-dd).")
    LocalDate asOf;

    @Option(names = "--rebuild-state", description = "Rebuild customer_state from all transactions instead of folding in the new days.")
    boolean rebuildState;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "model");
        var result = new ModelRunner(context, new RunLog(context)).run(asOf, StateUpdate.rebuildWhen(rebuildState));
        Summaries.print(spec, context, List.of(result));
        return ExitCodes.OK;
    }
}
