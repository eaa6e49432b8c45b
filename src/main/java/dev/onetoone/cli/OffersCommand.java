package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onetoone.pipeline.OffersRunner;
import dev.onetoone.pipeline.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "offers", mixinStandardHelpOptions = true,
        description = {"Decide the personalised offers of one as-of date from the campaigns file and the customer models: "
                + "discount depth within margins, budgets, contact policy, holdout/control/explore groups. Writes offers, "
                + "budget_shadow_prices and per-channel CSV exports; safe to rerun for the same date."})
final class OffersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--as-of", required = true, paramLabel = "DATE", description = "Decide the offers of DATE (yyyy-MM-dd), from customer_model of that date.")
    LocalDate asOf;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "offers");
        var result = new OffersRunner(context, new RunLog(context)).run(asOf);
        Summaries.print(spec, context, List.of(result));
        return ExitCodes.OK;
    }
}
