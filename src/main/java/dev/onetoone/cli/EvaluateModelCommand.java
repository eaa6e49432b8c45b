package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onetoone.pipeline.ModelEvaluationRunner;
import dev.onetoone.pipeline.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evaluate-model", mixinStandardHelpOptions = true,
        description = {"Fit on the calibration period, predict the holdout period and compare with what happened, "
                + "next to a naive baseline (each customer's own past rate); written to model_evaluation."})
final class EvaluateModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--calibration-end", required = true, paramLabel = "DATE", description = "Last day the model may see.")
    LocalDate calibrationEnd;

    @Option(names = "--holdout-end", required = true, paramLabel = "DATE", description = "Last day of the holdout period.")
    LocalDate holdoutEnd;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "evaluate-model");
        var result = new ModelEvaluationRunner(context, new RunLog(context)).run(calibrationEnd, holdoutEnd);
        Summaries.print(spec, context, List.of(result));
        return ExitCodes.OK;
    }
}
