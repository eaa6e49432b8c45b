package dev.onetoone.offers;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.onetoone.io.JobDescription;

/**
 * Learns, per campaign, the purchase response to its offers from the logged treatment, explore and control rows
 * and their outcomes. A stage: Datasets in, one small result per campaign out.
 *
 * <p>The model. A weighted logistic regression (Spark MLlib's GeneralizedLinearRegression, binomial family, logit
 * link, fitted by iteratively reweighted least squares) of whether the customer bought the offer's target in its
 * validity window ({@code results.OfferOutcomes#targetPurchases}) on
 * <ul>
 * <li>the customer, as of the offer's night (customer_model of that as_of, and the offer row's own logged
 * p_purchase_without_offer, so nothing from after the night leaks in): {@code baseline_logit} = logit of
 * p_purchase_without_offer, log(1 + weeks since the last purchase) (recency), log(1 + repeat purchase days)
 * (frequency), p_alive, log(1 + overdue_ratio), price_sensitivity and offer_response_rate (past offer response);</li>
 * <li>the treatment and its interaction with the customer: {@link #SENT} (1 for treatment and explore rows, 0 for
 * control) and {@link #SENT_X_ASSUMED_SHIFT}, sent times the logit shift the assumed curve gives the row
 * ({@code elasticity x price_sensitivity x discount fraction + uplift}, read back from the row's logged
 * probabilities as logit(p_with) - logit(p_without)), so the interaction is the discount step by price sensitivity
 * of the customer.</li>
 * </ul>
 * The response to an offer is the conditional log odds ratio {@code sent_uplift + b x assumed_shift}: the assumed
 * curve is {@code 0 + 1 x assumed_shift}, and the learned elasticity is {@code b x offers.response-elasticity}.
 *
 * <p>Weights: each row counts {@code 1 / assignment_probability} (Horvitz-Thompson), so the fit describes the
 * customers the campaign planned for and explored as if each had been randomised to every group; normalised to mean
 * 1 per campaign and truncated at {@value #MAX_WEIGHT} (explore rows, drawn with a probability of a few percent, would
 * otherwise carry the fit alone; truncation trades a little bias for much less variance, Cole and Hernan 2008).
 *
 * <p>Validation and switch-over: a fixed fifth of the outcomes (by a hash of offer_id) is held out. A campaign's
 * offers use the fit when it has at least offers.learned-response.min-outcomes outcomes, purchases and non-purchases,
 * sent and withheld rows, the fit converged with finite coefficients, and its weighted log-loss on the held-out rows
 * is no worse than that of the assumed curve. The assumed curve is scored on the fit's own baseline (the learned
 * linear predictor with the learned response replaced by the assumed shift): pricing takes only the response from
 * the fit and keeps the engine's p_purchase_without_offer, so the check must not credit the fit for a better
 * baseline. Otherwise the assumed curve stays: it is the prior the learned response must beat.
 */
public final class ResponseLearner {
    public static final String INTERCEPT = "intercept";
    public static final String SENT = "sent";
    public static final String SENT_X_ASSUMED_SHIFT = "sent_x_assumed_shift";
    /** The customer's features, in the order of the design matrix, before the treatment terms. */
    public static final List<String> CUSTOMER_FEATURES = List.of("baseline_logit", "log_weeks_since_last", "log_frequency", "p_alive",
            "log_overdue_ratio", "price_sensitivity", "offer_response_rate");
    /** The columns of the logged rows {@link #fit} reads. */
    public static final List<String> LOGGED_COLUMNS = List.of("campaign_id", "offer_id", "offer_group", "assignment_probability",
            "p_purchase_with_offer", "p_purchase_without_offer", "purchased", "weeks_since_last", "repeat_purchase_days", "p_alive",
            "overdue_ratio", "price_sensitivity", "offer_response_rate");
    /** Largest weight of a row after normalising the inverse assignment probabilities to mean 1. */
    static final double MAX_WEIGHT = 10.0;
    /** One row in this many is held out for validation. */
    static final int VALIDATION_FOLDS = 5;
    static final int MAX_ITERATIONS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(ResponseLearner.class);

    private final double priorElasticity;
    private final long minOutcomes;

    /**
     * @param priorElasticity offers.response-elasticity: the assumed curve
     * @param minOutcomes     offers.learned-response.min-outcomes
     */
    public ResponseLearner(double priorElasticity, long minOutcomes) {
        this.priorElasticity = priorElasticity;
        this.minOutcomes = minOutcomes;
    }

    /**
     * Learns the response of each of {@code campaignIds} for the night {@code asOf} from the offers table, as far as
     * the outcomes are known: the treatment, explore and control rows decided before asOf whose validity window
     * ended before asOf (so today's transactions, loaded or not, cannot be missing from any window), their target
     * purchases in {@code transactions} and {@code products}, and their customers' customer_model rows of the offer's
     * own as_of. Outcomes are read only for campaigns with enough of them.
     */
    public List<LearnedResponse> learn(Dataset<Row> offers, Dataset<Row> transactions, Dataset<Row> products, Dataset<Row> customerModels,
            LocalDate asOf, List<String> campaignIds) {
        var spark = offers.sparkSession();
        Date day = Date.valueOf(asOf);
        Dataset<Row> closed = offers.where(col("as_of").lt(lit(day)).and(col("valid_to").lt(lit(day)))
                .and(col("offer_group").isin(OfferGroup.TREATMENT.value(), OfferGroup.EXPLORE.value(), OfferGroup.CONTROL.value())));
        JobDescription.set(spark, "offers", "logged outcomes per campaign");
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Long> sentCounts = new LinkedHashMap<>();
        // one row per campaign: small by construction
        for (Row row : closed.groupBy("campaign_id").agg(count(lit(1)),
                sum(when(OfferGroup.isSent(col("offer_group")), 1L).otherwise(0L))).collectAsList()) {
            counts.put(row.getString(0), row.getLong(1));
            sentCounts.put(row.getString(0), row.getLong(2));
        }
        List<String> enough = campaignIds.stream().filter(id -> counts.getOrDefault(id, 0L) >= minOutcomes).toList();
        java.util.function.Function<String, LearnedResponse> tooFew = id -> tooFew(id, counts.getOrDefault(id, 0L), null,
                sentCounts.getOrDefault(id, 0L), counts.getOrDefault(id, 0L) - sentCounts.getOrDefault(id, 0L));
        if (enough.isEmpty()) {
            JobDescription.clear(spark);
            return campaignIds.stream().map(tooFew).toList();
        }
        Dataset<Row> learnable = closed.where(col("campaign_id").isin(enough.toArray()));
        Dataset<Row> purchases = dev.onetoone.results.OfferOutcomes.targetPurchases(learnable, transactions, products)
                .select(col("as_of").as("purchase_as_of"), col("offer_id").as("purchase_offer_id"), col("purchased"));
        Dataset<Row> features = customerModels.select(col("as_of").as("model_as_of"), col("customer_id").as("model_customer_id"),
                col("age_weeks").minus(col("recency_weeks")).as("weeks_since_last"), col("repeat_purchase_days"), col("p_alive"),
                col("overdue_ratio"), col("price_sensitivity"), col("offer_response_rate"));
        Dataset<Row> logged = learnable
                .join(purchases, col("as_of").equalTo(col("purchase_as_of")).and(col("offer_id").equalTo(col("purchase_offer_id"))))
                .join(features, col("as_of").equalTo(col("model_as_of")).and(col("customer_id").equalTo(col("model_customer_id"))), "left")
                .select(LOGGED_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
        List<LearnedResponse> fits = fit(logged, enough);
        List<LearnedResponse> all = new ArrayList<>();
        for (String id : campaignIds) {
            all.add(enough.contains(id) ? fits.get(enough.indexOf(id)) : tooFew.apply(id));
        }
        return all;
    }

    /**
     * Fits each of {@code campaignIds} on the logged rows (columns {@link #LOGGED_COLUMNS}; every row an outcome
     * with a closed window), in that order.
     */
    public List<LearnedResponse> fit(Dataset<Row> logged, List<String> campaignIds) {
        var spark = logged.sparkSession();
        Dataset<Row> prepared = prepare(logged).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            JobDescription.set(spark, "offers", "learned response, counts per campaign");
            Map<String, Row> counts = new LinkedHashMap<>();
            // one row per campaign: small by construction
            for (Row row : prepared.groupBy("campaign_id").agg(count(lit(1)).as("outcomes"), sum(col("label")).as("purchases"),
                    sum(col(SENT)).as("sent_rows"), avg(col("raw_weight")).as("mean_weight")).collectAsList()) {
                counts.put(row.getString(0), row);
            }
            List<LearnedResponse> results = new ArrayList<>();
            for (String campaign : campaignIds) {
                Row row = counts.get(campaign);
                long outcomes = row == null ? 0 : row.getLong(1);
                long purchases = row == null ? 0 : Math.round(row.getDouble(2));
                long sent = row == null ? 0 : Math.round(row.getDouble(3));
                if (outcomes < minOutcomes) {
                    results.add(tooFew(campaign, outcomes, purchases, sent, outcomes - sent));
                } else {
                    results.add(fitCampaign(prepared.where(col("campaign_id").equalTo(campaign)), campaign, outcomes, purchases, sent,
                            row.getDouble(4)));
                }
            }
            return results;
        } finally {
            JobDescription.clear(spark);
            prepared.unpersist();
        }
    }

    /** The design columns, the label, the raw weight and the validation flag. */
    static Dataset<Row> prepare(Dataset<Row> logged) {
        Column sent = when(OfferGroup.isSent(col("offer_group")), 1.0).otherwise(0.0);
        Column assumedShift = ResponseModel.logit(col("p_purchase_with_offer")).minus(ResponseModel.logit(col("p_purchase_without_offer")));
        return logged
                .withColumn("label", when(col("purchased"), 1.0).otherwise(0.0))
                .withColumn("raw_weight", lit(1.0).divide(col("assignment_probability")))
                .withColumn("validation", pmod(xxhash64(col("offer_id")), lit(VALIDATION_FOLDS)).equalTo(0))
                .withColumn("baseline_logit", ResponseModel.logit(col("p_purchase_without_offer")))
                .withColumn("log_weeks_since_last", log1p(greatest(lit(0.0), coalesce(col("weeks_since_last"), lit(0.0)))))
                .withColumn("log_frequency", log1p(greatest(lit(0.0), coalesce(col("repeat_purchase_days").cast("double"), lit(0.0)))))
                .withColumn("p_alive", coalesce(col("p_alive"), lit(0.0)))
                .withColumn("log_overdue_ratio", log1p(least(lit(1e6), greatest(lit(0.0), coalesce(col("overdue_ratio"), lit(0.0))))))
                .withColumn("price_sensitivity", coalesce(col("price_sensitivity"), lit(0.0)))
                .withColumn("offer_response_rate", coalesce(col("offer_response_rate"), lit(0.0)))
                .withColumn("assumed_shift", assumedShift)
                .withColumn(SENT, sent)
                .withColumn(SENT_X_ASSUMED_SHIFT, sent.multiply(assumedShift));
    }

    private LearnedResponse fitCampaign(Dataset<Row> rows, String campaign, long outcomes, long purchases, long sent, double meanWeight) {
        long withheld = outcomes - sent;
        var spark = rows.sparkSession();
        if (purchases == 0 || purchases == outcomes || sent == 0 || withheld == 0) {
            return notFitted(campaign, outcomes, purchases, sent, withheld, LearnedResponse.NO_VARIATION);
        }
        Dataset<Row> weighted = rows.withColumn("weight", least(lit(MAX_WEIGHT), col("raw_weight").divide(meanWeight)));
        Dataset<Row> training = weighted.where(col("validation").unary_$bang());
        Dataset<Row> validation = weighted.where(col("validation"));

        // a feature that does not vary in the training rows is collinear with the intercept; the assumed shift must
        // vary among the sent rows, or its interaction is collinear with sent
        JobDescription.set(spark, "offers", "learned response, " + campaign + ": ranges of the features");
        List<Column> ranges = new ArrayList<>();
        for (String feature : CUSTOMER_FEATURES) {
            ranges.add(max(col(feature)).minus(min(col(feature))).as(feature));
        }
        ranges.add(max(when(col(SENT).gt(0), col("assumed_shift"))).minus(min(when(col(SENT).gt(0), col("assumed_shift")))).as(SENT_X_ASSUMED_SHIFT));
        ranges.add(sum(col("label")).as("training_purchases"));
        ranges.add(count(lit(1)).as("training_rows"));
        Row range = training.agg(ranges.get(0), ranges.subList(1, ranges.size()).toArray(Column[]::new)).first();
        double trainingPurchases = range.isNullAt(range.fieldIndex("training_purchases")) ? 0 : range.<Double>getAs("training_purchases");
        long trainingRows = range.<Long>getAs("training_rows");
        if (trainingPurchases == 0 || trainingPurchases == trainingRows) {
            return notFitted(campaign, outcomes, purchases, sent, withheld, LearnedResponse.NO_VARIATION);
        }
        List<String> design = new ArrayList<>();
        for (String feature : CUSTOMER_FEATURES) {
            if (varies(range, feature)) {
                design.add(feature);
            }
        }
        design.add(SENT);
        if (varies(range, SENT_X_ASSUMED_SHIFT)) {
            design.add(SENT_X_ASSUMED_SHIFT);
        }
        VectorAssembler assembler = new VectorAssembler().setInputCols(design.toArray(String[]::new)).setOutputCol("features");
        Dataset<Row> assembled = assembler.transform(training);
        var regression = new GeneralizedLinearRegression().setFamily("binomial").setLink("logit").setLabelCol("label")
                .setFeaturesCol("features").setWeightCol("weight").setMaxIter(MAX_ITERATIONS).setTol(1e-8)
                .setPredictionCol("learned_probability");
        JobDescription.set(spark, "offers", "learned response, " + campaign + ": logistic regression");
        GeneralizedLinearRegressionModel model;
        try {
            model = regression.fit(assembled);
        } catch (RuntimeException e) {
            // a singular information matrix (features collinear in these rows) or a failed solve: keep the prior
            LOG.warn("learned response of campaign {} could not be fitted: {}", campaign, e.getMessage());
            return notFitted(campaign, outcomes, purchases, sent, withheld, LearnedResponse.NOT_CONVERGED);
        }
        Map<String, Double> coefficients = new LinkedHashMap<>();
        coefficients.put(INTERCEPT, model.intercept());
        double[] values = model.coefficients().toArray();
        for (int index = 0; index < design.size(); index++) {
            coefficients.put(design.get(index), values[index]);
        }
        boolean finite = coefficients.values().stream().allMatch(Double::isFinite);
        boolean converged = finite && model.summary().numIterations() < MAX_ITERATIONS;
        Double elasticity = null;
        Double elasticityError = null;
        if (finite && coefficients.containsKey(SENT_X_ASSUMED_SHIFT)) {
            elasticity = priorElasticity * coefficients.get(SENT_X_ASSUMED_SHIFT);
            elasticityError = standardError(model, design.indexOf(SENT_X_ASSUMED_SHIFT));
            elasticityError = elasticityError == null ? null : elasticityError * priorElasticity;
        }

        JobDescription.set(spark, "offers", "learned response, " + campaign + ": validation");
        // the assumed curve on the same fitted baseline: the learned linear predictor with the learned response
        // (sent_uplift x sent + b x sent_x_assumed_shift) replaced by the assumed one (sent_x_assumed_shift), so that
        // the comparison judges the response, which is what pricing takes from the fit, and not the baseline
        double uplift = coefficients.getOrDefault(SENT, 0.0);
        double multiplier = coefficients.getOrDefault(SENT_X_ASSUMED_SHIFT, 0.0);
        Dataset<Row> predicted = model.transform(assembler.transform(validation))
                .withColumn("learned_probability", ResponseModel.clamp(col("learned_probability")))
                .withColumn("prior_probability", ResponseModel.clamp(ResponseModel.sigmoid(ResponseModel.logit(col("learned_probability"))
                        .minus(col(SENT).multiply(uplift)).minus(col(SENT_X_ASSUMED_SHIFT).multiply(multiplier - 1)))))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Row losses = predicted.agg(count(lit(1)), sum(col("weight")), sum(col("weight").multiply(logLoss(col("learned_probability")))),
                    sum(col("weight").multiply(logLoss(col("prior_probability")))), sum(col("label"))).first();
            long validationRows = losses.getLong(0);
            Double learnedLoss = null;
            Double priorLoss = null;
            Double aucLearned = null;
            Double aucPrior = null;
            if (validationRows > 0 && converged) {
                learnedLoss = finiteOrNull(losses.getDouble(2) / losses.getDouble(1));
                priorLoss = finiteOrNull(losses.getDouble(3) / losses.getDouble(1));
                double validationPurchases = losses.getDouble(4);
                if (validationPurchases > 0 && validationPurchases < validationRows) {
                    aucLearned = finiteOrNull(auc(predicted, "learned_probability"));
                    aucPrior = finiteOrNull(auc(predicted, "prior_probability"));
                }
            }
            String reason;
            if (!converged) {
                reason = LearnedResponse.NOT_CONVERGED;
            } else if (learnedLoss == null || priorLoss == null || learnedLoss > priorLoss) {
                reason = LearnedResponse.WORSE_THAN_PRIOR;
            } else {
                reason = LearnedResponse.LEARNED;
            }
            return new LearnedResponse(campaign, outcomes, purchases, sent, withheld, true, finite ? coefficients : Map.of(), priorElasticity,
                    elasticity, elasticityError, validationRows, learnedLoss, priorLoss, aucLearned, aucPrior, converged,
                    reason.equals(LearnedResponse.LEARNED), reason);
        } finally {
            predicted.unpersist();
        }
    }

    private static boolean varies(Row range, String feature) {
        int index = range.fieldIndex(feature);
        return !range.isNullAt(index) && range.getDouble(index) > 1e-9;
    }

    /** The standard error of one coefficient from the fit's weighted information matrix, or null when not available. */
    private static Double standardError(GeneralizedLinearRegressionModel model, int index) {
        try {
            return finiteOrNull(model.summary().coefficientStandardErrors()[index]);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static double auc(Dataset<Row> predicted, String score) {
        return new BinaryClassificationEvaluator().setLabelCol("label").setRawPredictionCol(score).setWeightCol("weight")
                .setMetricName("areaUnderROC").evaluate(predicted);
    }

    private LearnedResponse tooFew(String campaign, long outcomes, Long purchases, long sent, long withheld) {
        return notFitted(campaign, outcomes, purchases, sent, withheld, LearnedResponse.TOO_FEW_OUTCOMES);
    }

    private LearnedResponse notFitted(String campaign, long outcomes, Long purchases, long sent, long withheld, String reason) {
        return new LearnedResponse(campaign, outcomes, purchases, sent, withheld, false, Map.of(), priorElasticity, null, null, 0, null, null,
                null, null, false, false, reason);
    }

    /** -(y log p + (1 - y) log(1 - p)) of the label column. */
    private static Column logLoss(Column probability) {
        return col("label").multiply(log(probability)).plus(lit(1.0).minus(col("label")).multiply(log(lit(1.0).minus(probability)))).multiply(-1);
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
