package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onetoone.pipeline.OfferResultsRunner;
import dev.onetoone.pipeline.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "offer-results", mixinStandardHelpOptions = true,
        description = {"Measure the offers decided between two as-of dates against the transactions in their validity windows: "
                + "redemption, and revenue and margin of the treated rows against the withheld control and holdout rows, "
                + "per campaign and for all, with 95%% confidence intervals; written to offer_results (a rerun replaces the period)."})
final class OfferResultsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--from", required = true, paramLabel = "DATE", description = "First as-of date of the offers measured.")
    LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last as-of date of the offers measured.")
    LocalDate to;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "offer-results");
        var result = new OfferResultsRunner(context, new RunLog(context)).run(from, to);
        Summaries.print(spec, context, List.of(result));
        return ExitCodes.OK;
    }
}
