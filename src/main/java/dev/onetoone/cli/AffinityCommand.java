package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onetoone.pipeline.AffinityRunner;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.pipeline.StateUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "affinity", mixinStandardHelpOptions = true,
        description = {"Rank the products every active customer is most likely to buy next (buy-again timing, ALS, "
                + "co-occurrence, popularity in their categories) and write them to product_affinity for the as-of date. "
                + "Needs customer_model for that date."})
final class AffinityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--as-of", required = true, paramLabel = "DATE", description = "Rank from the transactions up to and including DATE (yyyy-MM-dd).")
    LocalDate asOf;

    @Option(names = "--rebuild", description = "Rank every active customer, instead of only those whose lines changed since the "
            + "previous ranking with the same ranker and settings (the others carry that ranking forward). Use it after "
            + "changing the products table between two trainings of the ranker.")
    boolean rebuild;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "affinity");
        var result = new AffinityRunner(context, new RunLog(context)).run(asOf, StateUpdate.rebuildWhen(rebuild));
        Summaries.print(spec, context, List.of(result));
        return ExitCodes.OK;
    }
}
