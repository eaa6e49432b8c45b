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
import dev.onetoone.io.Tables;
import dev.onetoone.model.CustomerScorer;
import dev.onetoone.model.CustomerStateStage;
import dev.onetoone.model.CustomerSummaries;
import dev.onetoone.model.GammaGammaParameters;
import dev.onetoone.model.PopulationFit;
import dev.onetoone.model.PopulationFitter;
import dev.onetoone.model.PurchaseModelKind;

/**
 * Fits the population models on the calibration period only, predicts each customer's repeat purchase days and
 * spend in the holdout period, and compares with what happened, next to a naive baseline: the customer's own past
 * rate of repeat purchase days (x / T) times the holdout length, and their own mean day spend. Overall and by
 * p_alive decile (cut at approximate quantiles), so calibration is visible too.
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
        OneToOneConfig.ModelConfig settings = context.config().model();
        double unit = settings.timeUnitDays();
        Dataset<Row> transactions = warehouse.read(Tables.TRANSACTIONS);
        Dataset<Row> state = CustomerStateStage.fold(CustomerStateStage.empty(warehouse.spark()), transactions, null, calibrationEnd);
        Dataset<Row> summaries = CustomerSummaries.of(state, calibrationEnd, unit).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            var fitter = new PopulationFitter(new PopulationFitter.Settings(settings.minCustomers(), settings.smallPopulationPenalty()));
            PopulationFit bg = fitter.fit(PurchaseModelKind.BG_NBD, summaries, Optional.empty(), calibrationEnd);
            PopulationFit gg = fitter.fit(PurchaseModelKind.GAMMA_GAMMA, summaries, Optional.empty(), calibrationEnd);
            long holdoutDays = holdoutEnd.toEpochDay() - calibrationEnd.toEpochDay();
            Dataset<Row> scored = predictions(summaries, bg.parameters(), gg.parameters(), holdoutDays / unit);

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
                    .select(col("customer_id"), col("p_alive"), col("predicted_days"), col("predicted_spend"),
                            col("baseline_days"), col("baseline_days").multiply(col("own_spend")).as("baseline_spend"),
                            coalesce(col("actual_days"), lit(0.0)).as("actual_days"),
                            coalesce(col("actual_spend"), lit(0.0)).as("actual_spend"))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            double[] cuts = joined.stat().approxQuantile("p_alive", new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, 0.001);
            Column decile = lit(1);
            for (double cut : cuts) {
                decile = decile.plus(when(col("p_alive").gt(lit(cut)), lit(1)).otherwise(lit(0)));
            }
            Dataset<Row> withDecile = joined.withColumn("segment", concat(lit("p_alive_decile_"), decile.cast("string")));
            Timestamp now = Timestamp.from(context.now());
            List<Dataset<Row>> parts = new ArrayList<>();
            for (String[] spec : new String[][] {
                    {"bg_nbd", "repeat_purchase_days", "predicted_days", "actual_days"},
                    {"baseline", "repeat_purchase_days", "baseline_days", "actual_days"},
                    {"bg_nbd", "spend", "predicted_spend", "actual_spend"},
                    {"baseline", "spend", "baseline_spend", "actual_spend"}}) {
                parts.add(metrics(withDecile.withColumn("segment", lit("all")), spec));
                parts.add(metrics(withDecile, spec));
            }
            Dataset<Row> evaluation = parts.stream().reduce(Dataset::unionByName).orElseThrow()
                    .withColumn("calibration_end", lit(Date.valueOf(calibrationEnd)))
                    .withColumn("holdout_end", lit(Date.valueOf(holdoutEnd)))
                    .withColumn("evaluated_at", lit(now));
            warehouse.upsert(Tables.MODEL_EVALUATION, evaluation);
            List<Row> overall = warehouse.read(Tables.MODEL_EVALUATION)
                    .where(col("calibration_end").equalTo(lit(Date.valueOf(calibrationEnd))).and(col("holdout_end").equalTo(lit(Date.valueOf(holdoutEnd))))
                            .and(col("segment").equalTo("all")))
                    .orderBy("measure", "predictor").collectAsList();
            var lines = new ArrayList<String>();
            for (Row row : overall) {
                lines.add(String.format(Locale.ROOT, "%s %s: actual %.1f predicted %.1f MAE %.3f RMSE %.3f corr %.3f",
                        row.getAs("measure"), row.getAs("predictor"), row.<Double>getAs("actual_total"), row.<Double>getAs("predicted_total"),
                        row.<Double>getAs("mae"), row.<Double>getAs("rmse"), row.<Double>getAs("correlation")));
            }
            long customers = joined.count();
            joined.unpersist();
            return new StageResult("evaluate_model", customers, overall.size(), 0,
                    "evaluate-model " + calibrationEnd + " to " + holdoutEnd + " on " + customers + " customers (bg_nbd " + bg.status() + "):\n  "
                            + String.join("\n  ", lines), Map.of());
        } finally {
            summaries.unpersist();
        }
    }

    /** P(alive), expected repeat purchase days in the holdout and expected holdout spend, per customer. */
    static Dataset<Row> predictions(Dataset<Row> summaries, double[] bgNbd, double[] gammaGamma, double holdoutUnits) {
        StructType schema = new StructType()
                .add("customer_id", DataTypes.StringType, false)
                .add("p_alive", DataTypes.DoubleType, false)
                .add("predicted_days", DataTypes.DoubleType, false)
                .add("predicted_spend", DataTypes.DoubleType, false);
        return summaries.map((MapFunction<Row, Row>) row -> {
            int x = row.<Integer>getAs("x");
            var expectation = CustomerScorer.bgNbdExpectation(bgNbd, x, row.<Double>getAs("t_x"), row.<Double>getAs("t_age"));
            double days = expectation.purchases(holdoutUnits);
            double spend = CustomerScorer.expectedSpend(GammaGammaParameters.fromArray(gammaGamma), x,
                    row.<Double>getAs("mean_repeat_spend"), row.<Double>getAs("first_day_spend"));
            return RowFactory.create(row.<String>getAs("customer_id"), expectation.probabilityAlive(), days, days * spend);
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
