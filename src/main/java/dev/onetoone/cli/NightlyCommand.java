package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.onetoone.pipeline.NightlyPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "nightly", mixinStandardHelpOptions = true,
        description = "Ingest the input (if given) and run every stage for one as-of date. Safe to rerun for the same date.")
final class NightlyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--as-of", required = true, paramLabel = "DATE", description = "The night to compute (yyyy-MM-dd).")
    LocalDate asOf;

    @Option(names = "--input", paramLabel = "PATH", description = "Directory with transactions.*, customers.*, products.* files, or one transactions file.")
    String input;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "nightly");
        var results = new NightlyPipeline(context).run(asOf, Optional.ofNullable(input));
        Summaries.print(spec, context, results);
        return ExitCodes.OK;
    }
}
