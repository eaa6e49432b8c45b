package dev.onetoone.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.format_number;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onetoone.io.Tables;
import dev.onetoone.pipeline.AffinityEvaluationRunner;
import dev.onetoone.pipeline.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evaluate-affinity", mixinStandardHelpOptions = true,
        description = {"Rank products from the transactions before the cutoff and compare with what customers bought in the "
                + "following window: precision, recall, NDCG and hit rate at k, coverage, for all, repeat and new purchases, "
                + "for the learned ranker (blend), the former noisy-OR, each scorer alone, optionally the ranker without each "
                + "source, and four baselines (own most frequent, own then popular, popular, TIFU-KNN). "
                + "Printed and written to affinity_evaluation."})
final class EvaluateAffinityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--cutoff", required = true, paramLabel = "DATE", description = "First day of the evaluation window; rankings see the days before it.")
    LocalDate cutoff;

    @Option(names = "--horizon", paramLabel = "DAYS", defaultValue = "30", description = "Length of the evaluation window in days. Default: ${DEFAULT-VALUE}.")
    int horizon;

    @Option(names = "--ablations", description = "Also retrain the ranker without each candidate source (without_<source> predictors).")
    boolean ablations;

    @Override
    public Integer call() {
        if (horizon < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--horizon must be at least 1 day, not " + horizon);
        }
        var context = CommandContext.start(common, "evaluate-affinity");
        var result = new AffinityEvaluationRunner(context, new RunLog(context)).run(cutoff, horizon, ablations);
        var rows = context.warehouse().read(Tables.AFFINITY_EVALUATION)
                .where(col("cutoff").equalTo(lit(java.sql.Date.valueOf(cutoff))).and(col("horizon_days").equalTo(horizon)))
                .orderBy(col("k"), col("segment"), col("ndcg_at_k").desc())
                .select(col("k"), col("segment"), col("predictor"), col("customers"),
                        format_number(col("ndcg_at_k"), 4).as("ndcg"), format_number(col("precision_at_k"), 4).as("precision"),
                        format_number(col("recall_at_k"), 4).as("recall"), format_number(col("hit_rate_at_k"), 4).as("hit_rate"),
                        format_number(col("coverage"), 4).as("coverage"));
        SqlCommand.writeTable(rows, spec.commandLine().getOut());
        Summaries.print(spec, context, List.of(result));
        return ExitCodes.OK;
    }
}
