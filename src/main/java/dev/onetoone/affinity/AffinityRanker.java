package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.stddev_samp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learned ranker: a Spark MLlib classifier of "bought in the next horizon" over the candidates' {@link RankerFeatures},
 * whose probability orders each customer's candidates. It replaces the fixed noisy-OR of {@link AffinityBlender},
 * whose hand-set weights fit one sample and did not carry over to real baskets.
 *
 * <p>Training (Learning to rank as pointwise classification; see Li, Jullien, Ariannezhad and de Rijke, "A Next
 * Basket Recommendation Reality Check", ACM TOIS 2023, for why repeat features dominate): features as of
 * {@code t - H}, label 1 where the customer bought the product in {@code (t - H, t]}, over customers who bought
 * something in that window (the population the ranking is judged on). A fifth of the customers, by a hash of their
 * id, are held out; gradient-boosted trees and logistic regression are fitted on the rest, next to two single-score
 * challengers (TIFU-KNN's score, the own buy-again score). The better learned model replaces the better challenger
 * only when its NDCG@10 on the held-out customers' candidates is higher by more than one standard error of the paired
 * difference ({@code affinity.ranker.model=auto}; see {@link #choose}).
 */
public final class AffinityRanker {
    private static final Logger LOG = LoggerFactory.getLogger(AffinityRanker.class);
    public static final String GBT = "gbt";
    public static final String LOGISTIC = "logistic";
    /**
     * Single-score challengers: a logistic regression on one source's score alone, which orders each customer's
     * candidates exactly as that score does (a monotone map, when the fitted slope is positive) and turns it into a
     * probability. TIFU-KNN and the customer's own buy-again frequency are the rankings the learned models must beat
     * on held-out customers to be kept: on real baskets with few customers to learn from, a model of two dozen
     * features can rank worse than either (Li et al. 2023 report the same of many published next-basket models).
     */
    public static final String TIFU_KNN_SCORE = "tifu_knn";
    public static final String BUY_AGAIN_SCORE = "buy_again";
    /** Every model type {@code auto} compares, in the order they are fitted (the first wins a tie). */
    public static final List<String> AUTO = List.of(GBT, LOGISTIC, TIFU_KNN_SCORE, BUY_AGAIN_SCORE);
    /** The one feature of each single-score challenger. */
    private static final Map<String, String> SINGLE_SCORE = Map.of(TIFU_KNN_SCORE, "tifu_score", BUY_AGAIN_SCORE, "buy_again_score");
    /** Held-out share of customers: one in this many. */
    static final int VALIDATION_BUCKETS = 5;
    static final long SEED = 20_111_209L;

    private AffinityRanker() {
    }

    /**
     * A trained ranker: the chosen model, the validation NDCG@10 of each model fitted, and the chosen model's
     * feature importances (trees: MLlib's split-gain importances; logistic: absolute coefficients on the features'
     * own scale, as a share of their sum, so only a rough guide).
     */
    public record Trained(String modelType, PipelineModel model, Map<String, Double> validationNdcg, Map<String, Double> importances,
            long trainingRows, long positives) {
    }

    /** Candidates with a label column (1.0 = bought in the window, else 0.0). */
    public static Dataset<Row> label(Dataset<Row> features, Dataset<Row> bought) {
        return features.join(bought.select("customer_id", "product_id").distinct().withColumn("label", lit(1.0)),
                        new String[] {"customer_id", "product_id"}, "left")
                .na().fill(0.0, new String[] {"label"});
    }

    /**
     * Fits the models named by {@code modelSetting} (auto, gbt or logistic) on the labelled candidates and keeps the
     * best on the held-out customers.
     *
     * @param features features to use (a subset of {@link RankerFeatures#FEATURES}, for ablations)
     */
    public static Trained train(Dataset<Row> labelled, String modelSetting, List<String> features) {
        Row counts = labelled.agg(org.apache.spark.sql.functions.count(lit(1)), org.apache.spark.sql.functions.sum("label")).first();
        Dataset<Row> split = fixedLayout(labelled, counts.getLong(0))
                .withColumn("_bucket", pmod(hash(col("customer_id"), lit(SEED)), lit(VALIDATION_BUCKETS)))
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> training = split.where(col("_bucket").notEqual(0));
            Dataset<Row> validation = split.where(col("_bucket").equalTo(0));
            List<String> types = modelSetting.equals("auto") ? AUTO : List.of(modelSetting);
            Map<String, Double> ndcg = new LinkedHashMap<>();
            Map<String, PipelineModel> models = new LinkedHashMap<>();
            Map<String, Dataset<Row>> perCustomer = new LinkedHashMap<>();
            for (String type : types) {
                PipelineModel model = pipeline(type, features).fit(training);
                Dataset<Row> customers = validationNdcgPerCustomer(model, validation).localCheckpoint(true);
                Row mean = customers.agg(avg("ndcg")).first();
                models.put(type, model);
                perCustomer.put(type, customers);
                ndcg.put(type, mean.isNullAt(0) ? 0.0 : mean.getDouble(0));
            }
            String bestType = choose(types, ndcg, perCustomer);
            PipelineModel best = models.get(bestType);
            return new Trained(bestType, best, ndcg, importances(best, featuresOf(bestType, features)), counts.getLong(0),
                    counts.isNullAt(1) ? 0L : (long) counts.getDouble(1));
        } finally {
            split.unpersist();
        }
    }

    /** Training rows per partition of {@link #fixedLayout}. */
    static final long TRAINING_ROWS_PER_PARTITION = 250_000;

    /**
     * The training rows in an order set by the rows alone: hashed by customer into one partition per
     * {@link #TRAINING_ROWS_PER_PARTITION} rows, sorted by customer and product within each. MLlib's trees draw their
     * row subsample and their split candidates partition by partition, in row order, so the same rows in another
     * order train other trees. Without this, the order came from the plan that built the candidates, and a change of
     * plan (another join strategy, another machine's partitioning) changed the ranker without a change of data.
     */
    static Dataset<Row> fixedLayout(Dataset<Row> labelled, long rows) {
        int partitions = (int) Math.max(1, Math.min(10_000, (rows + TRAINING_ROWS_PER_PARTITION - 1) / TRAINING_ROWS_PER_PARTITION));
        return labelled.repartition(partitions, col("customer_id")).sortWithinPartitions("customer_id", "product_id");
    }

    /**
     * The model kept: the best single-score challenger, unless the best learned model's validation NDCG@10 is higher
     * by more than one standard error of the paired per-customer difference. On a few hundred held-out customers a
     * learned model's lead inside that noise is as likely to be a fluke of the split as a real gain, and the
     * challenger is the simpler, more stable ranking. Without challengers (or without learned models) the best of
     * those fitted; ties go to the first fitted.
     */
    static String choose(List<String> types, Map<String, Double> ndcg, Map<String, Dataset<Row>> perCustomer) {
        String learned = bestOf(types.stream().filter(AffinityRanker::learnsFromAllFeatures).toList(), ndcg);
        String single = bestOf(types.stream().filter(type -> !learnsFromAllFeatures(type)).toList(), ndcg);
        if (learned == null || single == null) {
            return learned == null ? single : learned;
        }
        Row paired = perCustomer.get(learned).withColumnRenamed("ndcg", "learned")
                .join(perCustomer.get(single).withColumnRenamed("ndcg", "single"), "customer_id")
                .select(col("learned").minus(col("single")).as("difference"))
                .agg(avg("difference"), stddev_samp("difference"), count(lit(1))).first();
        long customers = paired.getLong(2);
        double lead = paired.isNullAt(0) ? 0.0 : paired.getDouble(0);
        double standardError = customers < 2 || paired.isNullAt(1) ? Double.POSITIVE_INFINITY : paired.getDouble(1) / Math.sqrt(customers);
        boolean kept = lead > standardError;
        LOG.info("ranker: {} leads {} by {} NDCG@10 on {} held-out customers (standard error {}): keeping {}",
                learned, single, String.format(Locale.ROOT, "%.4f", lead), customers,
                String.format(Locale.ROOT, "%.4f", standardError), kept ? learned : single);
        return kept ? learned : single;
    }

    private static String bestOf(List<String> types, Map<String, Double> ndcg) {
        String best = null;
        for (String type : types) {
            if (best == null || ndcg.get(type) > ndcg.get(best)) {
                best = type;
            }
        }
        return best;
    }

    /** Whether the type is a model of all features (gbt, logistic) rather than a single-score challenger. */
    public static boolean learnsFromAllFeatures(String type) {
        return !SINGLE_SCORE.containsKey(type);
    }

    private static List<String> featuresOf(String type, List<String> features) {
        return SINGLE_SCORE.containsKey(type) ? List.of(SINGLE_SCORE.get(type)) : features;
    }

    private static Pipeline pipeline(String type, List<String> allFeatures) {
        List<String> features = featuresOf(type, allFeatures);
        VectorAssembler assembler = new VectorAssembler().setInputCols(features.toArray(new String[0])).setOutputCol("features");
        PipelineStage classifier = switch (type) {
            // Shallow trees and a moderate step: a few hundred thousand rows, two dozen features.
            case GBT -> new GBTClassifier().setMaxIter(40).setMaxDepth(5).setStepSize(0.1).setSubsamplingRate(0.8).setSeed(SEED)
                    .setLabelCol("label").setFeaturesCol("features");
            case LOGISTIC -> new LogisticRegression().setMaxIter(100).setRegParam(0.001).setStandardization(true)
                    .setLabelCol("label").setFeaturesCol("features");
            // A little regularisation, as above: on separable data an unregularised slope grows until the
            // probabilities round to 0 and 1 and the order is lost in ties.
            case TIFU_KNN_SCORE, BUY_AGAIN_SCORE -> new LogisticRegression().setMaxIter(100).setRegParam(0.001).setStandardization(true)
                    .setLabelCol("label").setFeaturesCol("features");
            default -> throw new IllegalArgumentException("unknown ranker model " + type + ": " + String.join(", ", AUTO));
        };
        return new Pipeline().setStages(new PipelineStage[] {assembler, classifier});
    }

    /** The candidates with score = the model's probability of a purchase, in [0, 1]. */
    public static Dataset<Row> score(PipelineModel model, Dataset<Row> features) {
        return model.transform(features)
                .withColumn("score", org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").getItem(1))
                .drop("features", "rawPrediction", "probability", "prediction");
    }

    /** Each held-out customer's NDCG@10 of the model's ordering of its candidates, with the labels as relevance. */
    static Dataset<Row> validationNdcgPerCustomer(PipelineModel model, Dataset<Row> validation) {
        Dataset<Row> ranked = score(model, validation)
                .withColumn("rank", row_number().over(Window.partitionBy("customer_id").orderBy(col("score").desc(), col("product_id"))))
                .withColumn("predictor", lit("ranker"));
        Dataset<Row> relevant = validation.where(col("label").gt(0)).select(col("customer_id"), col("product_id"));
        Dataset<Row> predictor = validation.sparkSession().createDataFrame(List.of(RowFactory.create("ranker")),
                new StructType().add("predictor", DataTypes.StringType));
        return RankingMetrics.ndcgPerCustomer(ranked, relevant, predictor, 10).select("customer_id", "ndcg");
    }

    private static Map<String, Double> importances(PipelineModel model, List<String> features) {
        Object last = model.stages()[model.stages().length - 1];
        double[] values = new double[features.size()];
        if (last instanceof GBTClassificationModel trees) {
            Vector importance = trees.featureImportances();
            for (int i = 0; i < values.length; i++) {
                values[i] = importance.apply(i);
            }
        } else if (last instanceof LogisticRegressionModel logistic) {
            Vector coefficients = logistic.coefficients();
            for (int i = 0; i < values.length; i++) {
                values[i] = Math.abs(coefficients.apply(i));
            }
        }
        double total = 0;
        for (double value : values) {
            total += value;
        }
        Map<String, Double> result = new LinkedHashMap<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            order.add(i);
        }
        double sum = total;
        order.sort((a, b) -> Double.compare(values[b], values[a]));
        for (int i : order) {
            result.put(features.get(i), sum > 0 ? values[i] / sum : 0.0);
        }
        return result;
    }

    /** Importances as text, largest first: "feature 0.123; ...". */
    public static String describe(Map<String, Double> importances) {
        var parts = new ArrayList<String>();
        importances.forEach((name, value) -> parts.add(String.format(Locale.ROOT, "%s %.3f", name, value)));
        return String.join("; ", parts);
    }
}
