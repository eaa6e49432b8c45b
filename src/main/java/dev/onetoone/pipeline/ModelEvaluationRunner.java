package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.covar_pop;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.Tables;
import dev.onetoone.model.CustomerScorer;
import dev.onetoone.model.CustomerStateStep;
import dev.onetoone.model.CustomerSummaries;
import dev.onetoone.model.GammaGammaParameters;
import dev.onetoone.model.PopulationFit;
import dev.onetoone.model.PopulationFitter;
import dev.onetoone.model.PopulationModel;

/**
 * Fits the population models on the calibration period only, predicts each customer's repeat purchase days and
 * spend in the holdout period, and compares with what happened, next to a naive baseline: the customer's own past
 * rate of repeat purchase days (x / T) times the holdout length, and their own mean day spend. Overall and by
 * p_alive decile (cut at approximate quantiles), so calibration is visible too.
 *
 * <p>All three purchase models (BG/NBD, MBG/NBD, Pareto/NBD) are fitted and scored, so the choice of
 * {@code model.purchase-model} can rest on the warehouse's own data. Besides the errors of expected purchases, the
 * measure {@code buys_again} checks how well p_alive at calibration end separates customers who buy again in the
 * holdout from those who do not: its AUC ({@link BinnedAuc}, from a histogram of 10,000 bins), its mean absolute
 * error and root mean squared (Brier) error against the 0/1 outcome, and the expected against the actual number of
 * returning customers (the sum of p_alive is an upper bound for it: an alive customer may still not buy).
 */
public final class ModelEvaluationRunner {
    private final RunContext context;
    private final RunLog runLog;

    public ModelEvaluationRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    public StageResult run(LocalDate calibrationEnd, LocalDate holdoutEnd) {
        if (!holdoutEnd.isAfter(calibrationEnd)) {
            throw new ConfigException("--holdout-end " + holdoutEnd + " must be after --calibration-end " + calibrationEnd);
        }
        return runLog.run("evaluate_model", calibrationEnd, () -> evaluate(calibrationEnd, holdoutEnd));
    }

    private StageResult evaluate(LocalDate calibrationEnd, LocalDate holdoutEnd) {
        var warehouse = context.warehouse();
        var spark = warehouse.spark();
        OneToOneConfig.ModelConfig settings = context.config().model();
        double unit = settings.timeUnitDays();
        PopulationModel primary = settings.purchaseModel();
        Dataset<Row> transactions = warehouse.read(Tables.TRANSACTIONS);
        JobDescription.set(spark, "evaluate-model", "customer summaries at calibration end");
        Dataset<Row> state = CustomerStateStep.fold(CustomerStateStep.empty(spark), transactions, null, calibrationEnd);
        Dataset<Row> summaries = CustomerSummaries.of(state, calibrationEnd, unit).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            var fitter = new PopulationFitter(new PopulationFitter.Settings(settings.minCustomers(), settings.smallPopulationPenalty()));
            Map<PopulationModel, PopulationFit> fits = new LinkedHashMap<>();
            for (PopulationModel kind : PURCHASE_MODELS) {
                JobDescription.set(spark, "evaluate-model", "fit " + kind.code());
                fits.put(kind, fitter.fit(kind, summaries, Optional.empty(), calibrationEnd));
            }
            JobDescription.set(spark, "evaluate-model", "fit gamma_gamma");
            PopulationFit gg = fitter.fit(PopulationModel.GAMMA_GAMMA, summaries, Optional.empty(), calibrationEnd);
            long holdoutDays = holdoutEnd.toEpochDay() - calibrationEnd.toEpochDay();
            Map<PopulationModel, double[]> parameters = new LinkedHashMap<>();
            fits.forEach((kind, fit) -> parameters.put(kind, fit.parameters()));
            Dataset<Row> scored = predictions(summaries, parameters, gg.parameters(), holdoutDays / unit);

            Dataset<Row> holdout = transactions.where(col("purchase_date").gt(lit(Date.valueOf(calibrationEnd)))
                            .and(col("purchase_date").leq(lit(Date.valueOf(holdoutEnd)))).and(col("is_return").unary_$bang()))
                    .groupBy("customer_id").agg(count_distinct(col("purchase_date")).cast("double").as("actual_days"),
                            sum(col("amount")).cast("double").as("actual_spend"));
            // the customer's own past rate x / T continued over the holdout; 0 for a customer acquired on the last day
            Column baselineDays = coalesce(try_divide(col("x").cast("double"), col("t_age")), lit(0.0)).multiply(holdoutDays / unit);
            Column ownSpend = when(col("x").gt(0), col("mean_repeat_spend")).otherwise(col("first_day_spend"));
            Dataset<Row> joined = summaries.select(col("customer_id"), baselineDays.as("baseline_days"), ownSpend.as("own_spend"))
                    .join(scored, "customer_id")
                    .join(holdout, "customer_id", "left")
                    .withColumn("baseline_spend", col("baseline_days").multiply(col("own_spend")))
                    .withColumn("actual_days", coalesce(col("actual_days"), lit(0.0)))
                    .withColumn("actual_spend", coalesce(col("actual_spend"), lit(0.0)))
                    .withColumn("bought_again", when(col("actual_days").gt(0), lit(1.0)).otherwise(lit(0.0)))
                    .drop("own_spend")
                    .persist(StorageLevel.MEMORY_AND_DISK());
            JobDescription.set(spark, "evaluate-model", "p_alive deciles");
            String[] aliveColumns = PURCHASE_MODELS.stream().map(kind -> "p_alive_" + kind.code()).toArray(String[]::new);
            double[][] cuts = joined.stat().approxQuantile(aliveColumns, new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, 0.001);
            Map<PopulationModel, Column> deciles = new LinkedHashMap<>();
            for (int i = 0; i < aliveColumns.length; i++) {
                Column decile = lit(1);
                for (double cut : cuts[i]) {
                    decile = decile.plus(when(col(aliveColumns[i]).gt(lit(cut)), lit(1)).otherwise(lit(0)));
                }
                deciles.put(PURCHASE_MODELS.get(i), concat(lit("p_alive_decile_"), decile.cast("string")));
            }
            Timestamp now = Timestamp.from(context.now());
            List<Dataset<Row>> parts = new ArrayList<>();
            Dataset<Row> overall = joined.withColumn("segment", lit("all"));
            Map<PopulationModel, Double> aucs = new LinkedHashMap<>();
            for (PopulationModel kind : PURCHASE_MODELS) {
                String model = kind.code();
                Dataset<Row> byDecile = joined.withColumn("segment", deciles.get(kind));
                for (String[] spec : new String[][] {
                        {model, "repeat_purchase_days", "predicted_days_" + model, "actual_days"},
                        {model, "spend", "predicted_spend_" + model, "actual_spend"}}) {
                    parts.add(metrics(overall, spec).withColumn("auc", lit(null).cast("double")));
                    parts.add(metrics(byDecile, spec).withColumn("auc", lit(null).cast("double")));
                }
                JobDescription.set(spark, "evaluate-model", "p_alive AUC of " + model);
                double auc = BinnedAuc.of(joined, "p_alive_" + model, "bought_again");
                aucs.put(kind, auc);
                parts.add(metrics(overall, new String[] {model, "buys_again", "p_alive_" + model, "bought_again"})
                        .withColumn("auc", Double.isNaN(auc) ? lit(null).cast("double") : lit(auc)));
            }
            Dataset<Row> baselineByDecile = joined.withColumn("segment", deciles.get(primary));
            for (String[] spec : new String[][] {
                    {"baseline", "repeat_purchase_days", "baseline_days", "actual_days"},
                    {"baseline", "spend", "baseline_spend", "actual_spend"}}) {
                parts.add(metrics(overall, spec).withColumn("auc", lit(null).cast("double")));
                parts.add(metrics(baselineByDecile, spec).withColumn("auc", lit(null).cast("double")));
            }
            Dataset<Row> evaluation = parts.stream().reduce(Dataset::unionByName).orElseThrow()
                    .withColumn("calibration_end", lit(Date.valueOf(calibrationEnd)))
                    .withColumn("holdout_end", lit(Date.valueOf(holdoutEnd)))
                    .withColumn("evaluated_at", lit(now));
            JobDescription.set(spark, "evaluate-model", "write model_evaluation");
            warehouse.addMissingColumns(Tables.MODEL_EVALUATION);
            warehouse.upsert(Tables.MODEL_EVALUATION, evaluation);
            List<Row> summary = warehouse.read(Tables.MODEL_EVALUATION)
                    .where(col("calibration_end").equalTo(lit(Date.valueOf(calibrationEnd))).and(col("holdout_end").equalTo(lit(Date.valueOf(holdoutEnd))))
                            .and(col("segment").equalTo("all")))
                    .orderBy("measure", "predictor").collectAsList();
            var lines = new ArrayList<String>();
            for (Row row : summary) {
                double actual = row.<Double>getAs("actual_total");
                double predicted = row.<Double>getAs("predicted_total");
                String relative = actual > 0 ? String.format(Locale.ROOT, " (%+.1f%%)", 100.0 * (predicted - actual) / actual) : "";
                String auc = row.isNullAt(row.fieldIndex("auc")) ? "" : String.format(Locale.ROOT, " AUC %.4f", row.<Double>getAs("auc"));
                lines.add(String.format(Locale.ROOT, "%s %s: actual %.1f predicted %.1f%s MAE %.3f RMSE %.3f corr %.3f%s",
                        row.getAs("measure"), row.getAs("predictor"), actual, predicted, relative,
                        row.<Double>getAs("mae"), row.<Double>getAs("rmse"), row.<Double>getAs("correlation"), auc));
            }
            long customers = joined.count();
            joined.unpersist();
            var statuses = new ArrayList<String>();
            fits.forEach((kind, fit) -> statuses.add(kind.code() + " " + fit.status()));
            Map<String, Long> details = new LinkedHashMap<>();
            // AUC in parts per million, so the run log's integer details carry it
            aucs.forEach((kind, auc) -> {
                if (!Double.isNaN(auc)) {
                    details.put(kind.code() + "_auc_ppm", Math.round(auc * 1e6));
                }
            });
            return new StageResult("evaluate_model", customers, summary.size(), 0,
                    "evaluate-model " + calibrationEnd + " to " + holdoutEnd + " on " + customers + " customers ("
                            + String.join(", ", statuses) + "; buys_again = p_alive at calibration end against buying again in the holdout):\n  "
                            + String.join("\n  ", lines), details);
        } finally {
            summaries.unpersist();
            JobDescription.clear(spark);
        }
    }

    /** The purchase models compared, each with its own p_alive, holdout purchases and spend. */
    static final List<PopulationModel> PURCHASE_MODELS = List.of(PopulationModel.BG_NBD, PopulationModel.MBG_NBD,
            PopulationModel.PARETO_NBD);

    /**
     * Per customer and purchase model: P(alive) at calibration end, expected repeat purchase days in the holdout and
     * expected holdout spend, in columns p_alive_&lt;model&gt;, predicted_days_&lt;model&gt;, predicted_spend_&lt;model&gt;.
     */
    static Dataset<Row> predictions(Dataset<Row> summaries, Map<PopulationModel, double[]> purchaseModels, double[] gammaGamma,
            double holdoutUnits) {
        StructType schema = new StructType().add("customer_id", DataTypes.StringType, false);
        List<PopulationModel> kinds = List.copyOf(purchaseModels.keySet());
        List<double[]> parameters = kinds.stream().map(purchaseModels::get).toList();
        for (PopulationModel kind : kinds) {
            schema = schema.add("p_alive_" + kind.code(), DataTypes.DoubleType, false)
                    .add("predicted_days_" + kind.code(), DataTypes.DoubleType, false)
                    .add("predicted_spend_" + kind.code(), DataTypes.DoubleType, false);
        }
        return summaries.map((MapFunction<Row, Row>) row -> {
            int x = row.<Integer>getAs("x");
            double tx = row.<Double>getAs("t_x");
            double age = row.<Double>getAs("t_age");
            double spend = CustomerScorer.expectedSpend(GammaGammaParameters.fromArray(gammaGamma), x,
                    row.<Double>getAs("mean_repeat_spend"), row.<Double>getAs("first_day_spend"));
            Object[] values = new Object[1 + 3 * kinds.size()];
            values[0] = row.<String>getAs("customer_id");
            for (int i = 0; i < kinds.size(); i++) {
                var expectation = CustomerScorer.expectation(kinds.get(i), parameters.get(i), x, tx, age);
                double days = expectation.purchases(holdoutUnits);
                values[1 + 3 * i] = expectation.probabilityAlive();
                values[2 + 3 * i] = days;
                values[3 + 3 * i] = days * spend;
            }
            return RowFactory.create(values);
        }, Encoders.row(schema));
    }

    private static Dataset<Row> metrics(Dataset<Row> rows, String[] spec) {
        Column predicted = col(spec[2]);
        Column actual = col(spec[3]);
        Column error = predicted.minus(actual);
        return rows.groupBy("segment").agg(
                        count(lit(1)).as("customers"),
                        sum(actual).as("actual_total"),
                        sum(predicted).as("predicted_total"),
                        avg(abs(error)).as("mae"),
                        sqrt(avg(error.multiply(error))).as("rmse"),
                        // Pearson correlation written out, because Spark's corr divides by zero (an error in ANSI
                        // mode) when a segment's actual values are all equal; undefined correlations are 0
                        coalesce(try_divide(covar_pop(predicted, actual), stddev_pop(predicted).multiply(stddev_pop(actual))),
                                lit(0.0)).as("correlation"))
                .withColumn("predictor", lit(spec[0]))
                .withColumn("measure", lit(spec[1]));
    }
}
