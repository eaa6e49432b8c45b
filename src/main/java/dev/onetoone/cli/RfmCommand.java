package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onetoone.pipeline.RfmRunner;
import dev.onetoone.pipeline.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rfm", mixinStandardHelpOptions = true,
        description = "Compute recency, frequency, monetary scores, segments and customer types for one as-of date.")
final class RfmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--as-of", required = true, paramLabel = "DATE", description = "Score with the transactions up to and including DATE (yyyy-MM-dd).")
    LocalDate asOf;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "rfm");
        var result = new RfmRunner(context, new RunLog(context)).run(asOf);
        Summaries.print(spec, context, List.of(result));
        return ExitCodes.OK;
    }
}
