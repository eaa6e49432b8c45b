package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.onetoone.affinity.AffinityBlender;
import dev.onetoone.affinity.AffinityRanker;
import dev.onetoone.affinity.ProductLines;
import dev.onetoone.affinity.RankerFeatures;
import dev.onetoone.affinity.TifuKnn;
import dev.onetoone.affinity.AffinitySource;
import dev.onetoone.affinity.Baselines;
import dev.onetoone.affinity.BlendWeights;
import dev.onetoone.affinity.ProductAffinity;
import dev.onetoone.affinity.RankingMetrics;
import dev.onetoone.config.OneToOneConfig.AffinityConfig;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * Offline evaluation of product rankings with a global time cut: every ranking sees the transactions before
 * {@code cutoff} only and is compared with the products each customer bought in {@code [cutoff, cutoff + horizon)}.
 * Evaluated customers bought at least one product before the cutoff and one in the window. The learned ranker
 * ({@code blend}) is trained on the window before the cutoff (features as of {@code cutoff - 1 - horizon}, labels up
 * to {@code cutoff - 1}). Other predictors: the former noisy-OR ({@code noisy_or}), each scorer alone
 * ({@code only_<scorer>}, {@code only_tifu_neighbours}), the ranker and the discovery sources ranking new products
 * only ({@code blend_new}, {@code only_<source>_new}; see {@link #NEW_ONLY}), optionally the ranker retrained without each source
 * ({@code without_<source>}), and the four {@link Baselines} (TIFU-KNN included). Metrics at k = 10 and k =
 * {@code affinity.top-k}, for all purchases and split into repeat and explore; written to {@code affinity_evaluation}
 * (a rerun for the same cutoff and horizon replaces its rows). Stock codes of {@code affinity.excluded-products} are
 * neither ranked nor counted as purchases.
 */
public final class AffinityEvaluationRunner {
    public static final String BLEND = "blend";
    /** The fixed noisy-OR of the scorers' scores (affinity.weight.*), the ranking before the learned ranker. */
    public static final String NOISY_OR = "noisy_or";
    /**
     * Suffix of a predictor that ranks new products only ({@code blend_new}, {@code only_<discovery source>_new}):
     * its list without the products the customer bought before the cutoff. Only its explore rows say anything.
     */
    public static final String NEW_ONLY = "_new";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AffinityEvaluationRunner.class);

    private final RunContext context;
    private final RunLog runLog;

    public AffinityEvaluationRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    private boolean ablations;

    public StageResult run(LocalDate cutoff, int horizonDays) {
        return run(cutoff, horizonDays, false);
    }

    /** @param withAblations also retrain the ranker without each source ({@code without_<source>} predictors) */
    public StageResult run(LocalDate cutoff, int horizonDays, boolean withAblations) {
        this.ablations = withAblations;
        return runLog.run("evaluate_affinity", cutoff, () -> evaluate(cutoff, horizonDays));
    }

    private StageResult evaluate(LocalDate cutoff, int horizonDays) {
        Warehouse warehouse = context.warehouse();
        AffinityConfig settings = context.config().affinity();
        LocalDate trainEnd = cutoff.minusDays(1);
        Dataset<Row> transactions = ProductLines.withoutExcluded(warehouse.read(Tables.TRANSACTIONS), settings.ranker().excludedProducts());
        Dataset<Row> products = warehouse.read(Tables.PRODUCTS);
        Dataset<Row> purchases = transactions.where(col("is_return").equalTo(false).and(col("product_id").isNotNull()));
        Dataset<Row> before = purchases.where(col("purchase_date").leq(lit(Date.valueOf(trainEnd))))
                .select("customer_id", "product_id").distinct();
        Dataset<Row> window = purchases.where(col("purchase_date").geq(lit(Date.valueOf(cutoff)))
                        .and(col("purchase_date").lt(lit(Date.valueOf(cutoff.plusDays(horizonDays))))))
                .select("customer_id", "product_id").distinct();
        JobDescription.set(warehouse.spark(), "affinity", "evaluation customers");
        Dataset<Row> customers = window.select("customer_id").distinct()
                .join(before.select("customer_id").distinct(), "customer_id").localCheckpoint(true);
        Dataset<Row> relevant = window.join(customers, "customer_id", "left_semi")
                .join(before.withColumn("is_repeat", lit(true)), new String[] {"customer_id", "product_id"}, "left")
                .select(col("customer_id"), col("product_id"), org.apache.spark.sql.functions.coalesce(col("is_repeat"), lit(false)).as("is_repeat"))
                .localCheckpoint(true);
        long evaluated = customers.count();
        if (evaluated == 0) {
            throw new IllegalStateException("no customer bought a product both before " + cutoff + " and in the " + horizonDays
                    + " days from it; choose a cutoff inside the transaction history");
        }
        Map<String, Long> details = new LinkedHashMap<>();
        details.put("customers", evaluated);
        var affinity = ProductAffinity.withAllScorers(settings);
        var training = ProductAffinity.withAllScorers(settings);
        int k = settings.topK();
        Dataset<Row> ranked = AffinityRunner.withCheckpointDirectory(context, () -> {
            // The ranker learns from the window before the cutoff only: features as of trainEnd - horizon, labels up
            // to trainEnd. Nothing of the evaluation window is seen.
            Dataset<Row> labelled = training.trainingSet(transactions, products, trainEnd, horizonDays, settings.ranker().trainingCustomers());
            JobDescription.set(warehouse.spark(), "affinity", "ranker training");
            AffinityRanker.Trained ranker = AffinityRanker.train(labelled, settings.ranker().model(), RankerFeatures.FEATURES);
            details.put("ranker_training_rows", ranker.trainingRows());
            details.put("ranker_positives", ranker.positives());
            record(ranker, trainEnd, horizonDays, "evaluation", null);
            LOG.info("evaluate-affinity: ranker {} (validation NDCG@10 {}); importances: {}", ranker.modelType(), ranker.validationNdcg(),
                    AffinityRanker.describe(ranker.importances()));

            Dataset<Row> candidates = affinity.candidates(transactions, products, customers, trainEnd, horizonDays);
            Dataset<Row> features = affinity.features(candidates, trainEnd);
            var lists = new LinkedHashMap<String, Dataset<Row>>();
            JobDescription.set(warehouse.spark(), "affinity", "ranker scoring");
            Dataset<Row> blendScores = AffinityRanker.score(ranker.model(), features).localCheckpoint(true);
            lists.put(BLEND, AffinityBlender.rankByScore(blendScores, k, settings.maxPerCategory()));
            BlendWeights noisyOr = BlendWeights.of(settings);
            lists.put(NOISY_OR, AffinityBlender.rank(candidates, noisyOr, k, settings.maxPerCategory()));
            for (AffinitySource source : AffinitySource.values()) {
                lists.put("only_" + source.label(), AffinityBlender.rank(candidates, BlendWeights.only(source), k, settings.maxPerCategory()));
            }
            lists.put("only_tifu_neighbours", AffinityBlender.rankByScore(candidates.withColumn("score", col("neighbour_vector"))
                    .where(col("score").gt(0)), k, settings.maxPerCategory()));
            // The same rankings of new products only (never bought before the cutoff), each product moved up past the
            // customer's repeats: the list a cross-sell offer draws from, compared on equal terms with the sources.
            Column isNew = col("is_repeat").unary_$bang();
            lists.put(BLEND + NEW_ONLY, AffinityBlender.rankByScore(blendScores.where(isNew), k, settings.maxPerCategory()));
            for (AffinitySource source : AffinitySource.values()) {
                if (source != AffinitySource.BUY_AGAIN) {
                    lists.put("only_" + source.label() + NEW_ONLY,
                            AffinityBlender.rank(candidates.where(isNew), BlendWeights.only(source), k, settings.maxPerCategory()));
                }
            }
            lists.put("only_tifu_neighbours" + NEW_ONLY, AffinityBlender.rankByScore(candidates.where(isNew)
                    .withColumn("score", col("neighbour_vector")).where(col("score").gt(0)), k, settings.maxPerCategory()));
            if (ablations) {
                for (var ablation : RankerFeatures.ABLATIONS.entrySet()) {
                    List<String> kept = RankerFeatures.FEATURES.stream().filter(f -> !ablation.getValue().contains(f)).toList();
                    JobDescription.set(warehouse.spark(), "affinity", "ranker ablation " + ablation.getKey());
                    // A single-score challenger has nothing to leave out: ablations retrain the trees.
                    String type = AffinityRanker.learnsFromAllFeatures(ranker.modelType()) ? ranker.modelType() : AffinityRanker.GBT;
                    AffinityRanker.Trained without = AffinityRanker.train(RankerFeatures.withoutSource(labelled, ablation.getKey()),
                            type, kept);
                    lists.put("without_" + ablation.getKey(), AffinityBlender.rankByScore(
                            AffinityRanker.score(without.model(), RankerFeatures.withoutSource(features, ablation.getKey())), k, settings.maxPerCategory()));
                }
            }
            var baselines = new Baselines(transactions, products, customers, trainEnd, settings.popularityDays(), Math.max(k, 10));
            lists.put(Baselines.POPULAR, baselines.popular());
            lists.put(Baselines.OWN_FREQUENT, baselines.ownFrequent());
            lists.put(Baselines.OWN_THEN_POPULAR, baselines.ownThenPopular());
            lists.put(Baselines.TIFU_KNN, TifuKnn.rank(affinity.tifuScores(), Math.max(k, 10)));
            Dataset<Row> all = null;
            for (var entry : lists.entrySet()) {
                Dataset<Row> list = entry.getValue().select(lit(entry.getKey()).as("predictor"), col("customer_id"), col("product_id"), col("rank"));
                all = all == null ? list : all.unionByName(list);
            }
            JobDescription.set(warehouse.spark(), "affinity", "evaluation rankings");
            return all.localCheckpoint(true);
        });
        details.putAll(affinity.measurements());
        long catalogue = Math.max(products.count(), purchases.select("product_id").distinct().count());
        List<Row> names = new ArrayList<>();
        Set<String> predictors = new TreeSet<>(ranked.select("predictor").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        predictors.forEach(name -> names.add(RowFactory.create(name)));
        Dataset<Row> predictorRows = warehouse.spark().createDataFrame(names, new StructType().add("predictor", DataTypes.StringType));
        Dataset<Row> metrics = null;
        for (int atK : new TreeSet<>(List.of(10, k))) {
            Dataset<Row> scored = RankingMetrics.evaluate(ranked, relevant, predictorRows, atK, catalogue);
            metrics = metrics == null ? scored : metrics.unionByName(scored);
        }
        JobDescription.set(warehouse.spark(), "affinity", "evaluation metrics");
        Dataset<Row> rows = metrics.localCheckpoint(true)
                .withColumn("cutoff", lit(Date.valueOf(cutoff)))
                .withColumn("horizon_days", lit(horizonDays))
                .withColumn("evaluated_at", lit(Timestamp.from(context.now())));
        warehouse.upsert(Tables.AFFINITY_EVALUATION, rows);
        long written = warehouse.read(Tables.AFFINITY_EVALUATION)
                .where(col("cutoff").equalTo(lit(Date.valueOf(cutoff))).and(col("horizon_days").equalTo(horizonDays))).count();
        return new StageResult("evaluate_affinity", evaluated, written, 0, summary(cutoff, horizonDays), details);
    }

    /** Writes a training's rows to affinity_ranker (one per model fitted; a retraining for the same date replaces them). */
    void record(AffinityRanker.Trained ranker, LocalDate trainedAsOf, int horizonDays, String purpose, String modelPath) {
        AffinityRunner.recordRanker(context, ranker, trainedAsOf, horizonDays, purpose, modelPath);
    }

    /** One line: the blend's NDCG@10 next to the best baseline's, over all purchases. */
    private String summary(LocalDate cutoff, int horizonDays) {
        List<Row> rows = context.warehouse().read(Tables.AFFINITY_EVALUATION)
                .where(col("cutoff").equalTo(lit(Date.valueOf(cutoff))).and(col("horizon_days").equalTo(horizonDays))
                        .and(col("segment").equalTo("all")).and(col("k").equalTo(10)))
                .select("predictor", "ndcg_at_k").collectAsList();
        double blend = Double.NaN;
        double bestBaseline = Double.NEGATIVE_INFINITY;
        String bestName = "none";
        for (Row row : rows) {
            String name = row.getString(0);
            if (name.equals(BLEND)) {
                blend = row.getDouble(1);
            } else if (name.startsWith("baseline_") && row.getDouble(1) > bestBaseline) {
                bestBaseline = row.getDouble(1);
                bestName = name;
            }
        }
        return String.format(java.util.Locale.ROOT, "evaluate-affinity: cutoff %s, horizon %d days: NDCG@10 blend %.4f, best baseline %s %.4f",
                cutoff, horizonDays, blend, bestName, bestBaseline);
    }
}
