package dev.onetoone.results;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.io.JobDescription;
import dev.onetoone.offers.OfferGroup;

/**
 * Off-policy evaluation of offer policies from the logged offers and their measured outcomes. A stage: a Dataset of
 * slots in, a few sums collected, estimates out ({@link PolicyEstimator}).
 *
 * <p>The slots are the planned offers of the period: the treatment and control rows, one per customer, campaign
 * and night, each the offer the engine chose. Their randomisation is the campaign control draw: a planned offer
 * was sent (treatment) with the logged probability p_t and withheld (control) with p_c, so the logging propensity
 * of sending within the planned offers is q_send = p_t / (p_t + p_c), taken per night from the logged
 * assignment_probability. A night without both groups has no randomisation and is left out (counted).
 * Holdout rows are also withheld, but by a draw per customer across all campaigns; they are left out (an admissible
 * choice: weighting each withheld slot by the control draw alone keeps the estimators unbiased), and explore rows
 * are offers drawn for customers the engine did not plan for, so they are not planned slots.
 *
 * <p>Reward: the margin in the offer's validity window as {@code offer-results} measures it
 * ({@link OfferOutcomes#perOffer}), minus the offer's contact_cost when it is sent. A target policy is a probability
 * of sending each planned offer ({@link TargetPolicy}). Its value is the mean reward per planned offer; the total
 * is that times the slots.
 *
 * <p>Reward model of the doubly robust estimator, per campaign and action (send, withhold): a least-squares line of
 * the window margin on the logged modelled purchase probability of that action (p_purchase_with_offer when sent,
 * p_purchase_without_offer when withheld), from sums; the contact cost is subtracted when sent. It is fitted on the
 * same slots: with two coefficients per campaign and action its in-sample bias is of order 1/n, and DR stays
 * consistent whatever the model. A campaign and action with fewer than two slots use the fit over all campaigns.
 */
public final class OffPolicyEvaluation {
    /** The columns the slots need. */
    public static final List<String> SLOT_COLUMNS = List.of("as_of", "offer_id", "campaign_id", "offer_group", "assignment_probability",
            "margin", "contact_cost", "p_purchase_with_offer", "p_purchase_without_offer", "expected_incremental_margin",
            "net_expected_margin", "step");

    private OffPolicyEvaluation() {
    }

    /**
     * One policy's estimates of its value per slot, and of its increment over sending nothing (its value minus that
     * of sending nothing, from the same slots, with the interval of the paired difference).
     */
    public record PolicyResult(TargetPolicy policy, PolicyEstimator.Sums sums, double effectiveSampleSize, List<PolicyEstimator.Estimate> estimates,
            List<PolicyEstimator.Estimate> increments) {
        public PolicyEstimator.Estimate estimate(String estimator) {
            return estimates.stream().filter(estimate -> estimate.estimator().equals(estimator)).findFirst().orElseThrow();
        }

        public PolicyEstimator.Estimate increment(String estimator) {
            return increments.stream().filter(estimate -> estimate.estimator().equals(estimator)).findFirst().orElseThrow();
        }
    }

    /**
     * @param rowsByGroup     logged rows per offer_group
     * @param slots           planned offers evaluated (treatment and control rows of randomised nights)
     * @param unrandomised    treatment and control rows of nights without both groups, left out
     * @param observedReward  mean reward of the evaluated slots as logged
     * @param policies        the estimates, in the order asked
     */
    public record Result(Map<String, Long> rowsByGroup, long slots, long unrandomised, double observedReward, List<PolicyResult> policies) {
    }

    /** Evaluates each policy on {@code slots} (columns {@link #SLOT_COLUMNS}). */
    public static Result evaluate(Dataset<Row> slots, List<TargetPolicy> policies) {
        var spark = slots.sparkSession();
        JobDescription.set(spark, "evaluate_policy", "logged rows per group");
        Map<String, Long> rowsByGroup = new LinkedHashMap<>();
        for (Row row : slots.groupBy("offer_group").count().orderBy("offer_group").collectAsList()) {
            rowsByGroup.put(row.getString(0), row.getLong(1));
        }

        Dataset<Row> randomised = randomisedSlots(slots).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            JobDescription.set(spark, "evaluate_policy", "reward model");
            RewardModel model = RewardModel.fit(randomised);
            Dataset<Row> evaluated = randomised
                    .withColumn("model_send", model.predict(true).minus(col("contact")))
                    .withColumn("model_withhold", model.predict(false))
                    .withColumn("model_logged", when(col("sent"), col("model_send")).otherwise(col("model_withhold")));

            JobDescription.set(spark, "evaluate_policy", "sums per policy");
            List<Column> aggregates = new ArrayList<>();
            aggregates.add(sum(col("reward")).as("reward_sum"));
            // the reference of the increments: sending nothing
            Column referenceWeight = weight(lit(0.0));
            Column referenceTerm = ipsTerm(referenceWeight);
            Column referenceDoublyRobust = doublyRobust(lit(0.0), referenceWeight);
            aggregates.addAll(sums("reference_", referenceWeight, lit(false), referenceDoublyRobust));
            for (int index = 0; index < policies.size(); index++) {
                TargetPolicy policy = policies.get(index);
                Column send = policy.sendProbability();
                Column weight = weight(send);
                Column doublyRobust = doublyRobust(send, weight);
                String prefix = "p" + index + "_";
                aggregates.addAll(sums(prefix, weight, policy.unsupported(), doublyRobust));
                Column both = weight.multiply(referenceWeight);
                aggregates.add(sum(both).as(prefix + "cross_weights"));
                aggregates.add(sum(both.multiply(col("reward"))).as(prefix + "cross_weight_rewards"));
                aggregates.add(sum(ipsTerm(weight).multiply(referenceTerm)).as(prefix + "cross_weight_squared_rewards"));
                aggregates.add(sum(doublyRobust.multiply(referenceDoublyRobust)).as(prefix + "cross_doubly_robust"));
            }
            // one row of sums: small by construction
            Row totals = evaluated.agg(count(lit(1)).as("slots"), aggregates.toArray(Column[]::new)).first();
            long n = totals.getLong(0);
            long unrandomised = rowsByGroup.getOrDefault(OfferGroup.TREATMENT.value(), 0L) + rowsByGroup.getOrDefault(OfferGroup.CONTROL.value(), 0L) - n;
            PolicyEstimator.Sums reference = policySums(totals, "reference_", n);
            List<PolicyResult> results = new ArrayList<>();
            for (int index = 0; index < policies.size(); index++) {
                String prefix = "p" + index + "_";
                var sums = policySums(totals, prefix, n);
                var cross = new PolicyEstimator.CrossSums(doubleOrZero(totals, prefix + "cross_weights"),
                        doubleOrZero(totals, prefix + "cross_weight_rewards"), doubleOrZero(totals, prefix + "cross_weight_squared_rewards"),
                        doubleOrZero(totals, prefix + "cross_doubly_robust"));
                results.add(new PolicyResult(policies.get(index), sums, PolicyEstimator.effectiveSampleSize(sums), PolicyEstimator.estimate(sums),
                        PolicyEstimator.difference(sums, reference, cross)));
            }
            double observed = n == 0 ? 0 : doubleOrZero(totals, "reward_sum") / n;
            return new Result(rowsByGroup, n, unrandomised, observed, results);
        } finally {
            JobDescription.clear(spark);
            randomised.unpersist();
        }
    }

    /**
     * The planned offers of nights with both groups, with what the policies and estimators need: q_send (the logging
     * probability of sending), sent, contact (contact cost, 0 when unknown), reward, score (net_expected_margin, or
     * expected_incremental_margin on rows logged before contact costs) and score_rank (1 for the highest score of its
     * night and campaign).
     */
    public static Dataset<Row> randomisedSlots(Dataset<Row> slots) {
        var night = Window.partitionBy("as_of");
        Column treatment = col("offer_group").equalTo(OfferGroup.TREATMENT.value());
        return slots.where(col("offer_group").isin(OfferGroup.TREATMENT.value(), OfferGroup.CONTROL.value()))
                .withColumn("treatment_probability", max(when(treatment, col("assignment_probability"))).over(night))
                .withColumn("control_probability", max(when(treatment.unary_$bang(), col("assignment_probability"))).over(night))
                .where(col("treatment_probability").gt(0).and(col("control_probability").gt(0)))
                .withColumn("q_send", col("treatment_probability").divide(col("treatment_probability").plus(col("control_probability"))))
                .withColumn("sent", treatment)
                .withColumn("contact", coalesce(col("contact_cost"), lit(0.0)))
                .withColumn("reward", col("margin").minus(when(col("sent"), col("contact")).otherwise(0.0)))
                .withColumn("score", coalesce(col("net_expected_margin"), col("expected_incremental_margin")))
                .withColumn("score_rank", row_number().over(Window.partitionBy("as_of", "campaign_id")
                        .orderBy(col("score").desc(), col("offer_id"))));
    }

    /** w: the target's probability of the logged action over the logging policy's, on the slot columns. */
    private static Column weight(Column send) {
        return when(col("sent"), send.divide(col("q_send"))).otherwise(lit(1.0).minus(send).divide(lit(1.0).minus(col("q_send"))));
    }

    private static Column ipsTerm(Column weight) {
        return weight.multiply(col("reward"));
    }

    /** sum_a pi(a | x) r(x, a) + w (y - r(x, a_logged)) (Dudik, Langford and Li 2011). */
    private static Column doublyRobust(Column send, Column weight) {
        return send.multiply(col("model_send")).plus(lit(1.0).minus(send).multiply(col("model_withhold")))
                .plus(weight.multiply(col("reward").minus(col("model_logged"))));
    }

    /** The sums of {@link PolicyEstimator.Sums} as aggregate columns named with the prefix. */
    private static List<Column> sums(String prefix, Column weight, Column unsupported, Column doublyRobust) {
        Column weightedReward = ipsTerm(weight);
        return List.of(sum(when(weight.gt(0), 1L).otherwise(0L)).as(prefix + "matched"),
                sum(when(unsupported, 1L).otherwise(0L)).as(prefix + "unsupported"),
                sum(weight).as(prefix + "weights"),
                sum(weight.multiply(weight)).as(prefix + "weight_squares"),
                sum(weightedReward).as(prefix + "weighted_rewards"),
                sum(weight.multiply(weightedReward)).as(prefix + "squared_weight_rewards"),
                sum(weightedReward.multiply(weightedReward)).as(prefix + "squared_weighted_rewards"),
                sum(doublyRobust).as(prefix + "doubly_robust"),
                sum(doublyRobust.multiply(doublyRobust)).as(prefix + "doubly_robust_squares"));
    }

    private static PolicyEstimator.Sums policySums(Row totals, String prefix, long n) {
        return new PolicyEstimator.Sums(n, longOrZero(totals, prefix + "matched"), longOrZero(totals, prefix + "unsupported"),
                doubleOrZero(totals, prefix + "weights"), doubleOrZero(totals, prefix + "weight_squares"),
                doubleOrZero(totals, prefix + "weighted_rewards"), doubleOrZero(totals, prefix + "squared_weight_rewards"),
                doubleOrZero(totals, prefix + "squared_weighted_rewards"), doubleOrZero(totals, prefix + "doubly_robust"),
                doubleOrZero(totals, prefix + "doubly_robust_squares"));
    }

    private static long longOrZero(Row row, String column) {
        return row.isNullAt(row.fieldIndex(column)) ? 0L : row.<Long>getAs(column);
    }

    private static double doubleOrZero(Row row, String column) {
        return row.isNullAt(row.fieldIndex(column)) ? 0.0 : row.<Double>getAs(column);
    }

    /**
     * Least-squares lines margin = intercept + slope * x per campaign and action, x the modelled purchase probability
     * of the action; from the sums n, sum x, sum y, sum x^2, sum xy of each campaign and action.
     */
    record RewardModel(Map<String, double[]> send, Map<String, double[]> withhold, double[] pooledSend, double[] pooledWithhold) {
        private static final String POOLED = "\u0000pooled";

        static RewardModel fit(Dataset<Row> evaluated) {
            Column x = when(col("sent"), col("p_purchase_with_offer")).otherwise(col("p_purchase_without_offer"));
            Column y = col("margin");
            Dataset<Row> perCampaign = evaluated.groupBy(col("campaign_id"), col("sent")).agg(count(lit(1)), sum(x), sum(y), sum(x.multiply(x)),
                    sum(x.multiply(y)));
            Map<String, double[]> sendSums = new HashMap<>();
            Map<String, double[]> withholdSums = new HashMap<>();
            // one row per campaign and action: small by construction
            for (Row row : perCampaign.collectAsList()) {
                double[] sums = {row.getLong(2), row.isNullAt(3) ? 0 : row.getDouble(3), row.isNullAt(4) ? 0 : row.getDouble(4),
                        row.isNullAt(5) ? 0 : row.getDouble(5), row.isNullAt(6) ? 0 : row.getDouble(6)};
                Map<String, double[]> target = row.getBoolean(1) ? sendSums : withholdSums;
                target.put(row.getString(0), sums);
                target.merge(POOLED, sums.clone(), (a, b) -> {
                    for (int i = 0; i < a.length; i++) {
                        a[i] += b[i];
                    }
                    return a;
                });
            }
            Map<String, double[]> send = new HashMap<>();
            Map<String, double[]> withhold = new HashMap<>();
            sendSums.forEach((campaign, sums) -> send.put(campaign, line(sums)));
            withholdSums.forEach((campaign, sums) -> withhold.put(campaign, line(sums)));
            return new RewardModel(send, withhold, orZero(send.get(POOLED)), orZero(withhold.get(POOLED)));
        }

        private static double[] orZero(double[] line) {
            return line == null ? new double[] {0, 0} : line;
        }

        /** {intercept, slope}; the mean when x does not vary, null with fewer than 2 points. */
        static double[] line(double[] sums) {
            double n = sums[0];
            if (n < 2) {
                return null;
            }
            double meanX = sums[1] / n;
            double meanY = sums[2] / n;
            double sxx = sums[3] - n * meanX * meanX;
            double sxy = sums[4] - n * meanX * meanY;
            double slope = sxx > 1e-12 * Math.max(1, sums[3]) ? sxy / sxx : 0;
            return new double[] {meanY - slope * meanX, slope};
        }

        /** The prediction of the margin for each slot under the action (send or withhold). */
        Column predict(boolean sent) {
            Map<String, double[]> lines = sent ? send : withhold;
            double[] pooled = sent ? pooledSend : pooledWithhold;
            Column x = col(sent ? "p_purchase_with_offer" : "p_purchase_without_offer");
            Column prediction = lit(pooled[0]).plus(x.multiply(pooled[1]));
            for (var entry : new java.util.TreeMap<>(lines).entrySet()) {
                if (entry.getKey().equals(POOLED) || entry.getValue() == null) {
                    continue;
                }
                double[] line = entry.getValue();
                prediction = when(col("campaign_id").equalTo(entry.getKey()), lit(line[0]).plus(x.multiply(line[1]))).otherwise(prediction);
            }
            return prediction;
        }
    }
}
