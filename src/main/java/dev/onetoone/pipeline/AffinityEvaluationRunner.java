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

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.onetoone.affinity.AffinityBlender;
import dev.onetoone.affinity.AffinitySource;
import dev.onetoone.affinity.Baselines;
import dev.onetoone.affinity.BlendWeights;
import dev.onetoone.affinity.ProductAffinity;
import dev.onetoone.affinity.RankingMetrics;
import dev.onetoone.config.OneToOneConfig.AffinityConfig;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * Offline evaluation of product rankings with a global time cut: every ranking sees the transactions before
 * {@code cutoff} only and is compared with the products each customer bought in {@code [cutoff, cutoff + horizon)}.
 * Evaluated customers bought at least one product before the cutoff and one in the window. Predictors: the blend, each
 * scorer alone ({@code only_<scorer>}), the blend without each scorer ({@code without_<scorer>}) and the three
 * {@link Baselines}. Metrics at k = 10 and k = {@code affinity.top-k}, for all purchases and split into repeat and
 * explore; written to {@code affinity_evaluation} (a rerun for the same cutoff and horizon replaces its rows).
 */
public final class AffinityEvaluationRunner {
    public static final String BLEND = "blend";

    private final RunContext context;
    private final RunLog runLog;

    public AffinityEvaluationRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    public StageResult run(LocalDate cutoff, int horizonDays) {
        return runLog.run("evaluate_affinity", cutoff, () -> evaluate(cutoff, horizonDays));
    }

    private StageResult evaluate(LocalDate cutoff, int horizonDays) {
        Warehouse warehouse = context.warehouse();
        AffinityConfig settings = context.config().affinity();
        LocalDate trainEnd = cutoff.minusDays(1);
        Dataset<Row> transactions = warehouse.read(Tables.TRANSACTIONS);
        Dataset<Row> products = warehouse.read(Tables.PRODUCTS);
        Dataset<Row> purchases = transactions.where(col("is_return").equalTo(false).and(col("product_id").isNotNull()));
        Dataset<Row> before = purchases.where(col("purchase_date").leq(lit(Date.valueOf(trainEnd))))
                .select("customer_id", "product_id").distinct();
        Dataset<Row> window = purchases.where(col("purchase_date").geq(lit(Date.valueOf(cutoff)))
                        .and(col("purchase_date").lt(lit(Date.valueOf(cutoff.plusDays(horizonDays))))))
                .select("customer_id", "product_id").distinct();
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
        var affinity = new ProductAffinity(settings, true);
        Dataset<Row> ranked = AffinityRunner.withCheckpointDirectory(context, () -> {
            Dataset<Row> candidates = affinity.candidates(transactions, products, customers, trainEnd, horizonDays);
            int k = settings.topK();
            BlendWeights blend = BlendWeights.of(settings);
            var lists = new LinkedHashMap<String, Dataset<Row>>();
            lists.put(BLEND, AffinityBlender.rank(candidates, blend, k, settings.maxPerCategory()));
            for (AffinitySource source : AffinitySource.values()) {
                lists.put("only_" + source.label(), AffinityBlender.rank(candidates, BlendWeights.only(source), k, settings.maxPerCategory()));
                if (blend.weight(source) > 0 && blend.total() > blend.weight(source)) {
                    lists.put("without_" + source.label(), AffinityBlender.rank(candidates, blend.without(source), k, settings.maxPerCategory()));
                }
            }
            var baselines = new Baselines(transactions, products, customers, trainEnd, settings.popularityDays(), Math.max(k, 10));
            lists.put(Baselines.POPULAR, baselines.popular());
            lists.put(Baselines.OWN_FREQUENT, baselines.ownFrequent());
            lists.put(Baselines.OWN_THEN_POPULAR, baselines.ownThenPopular());
            Dataset<Row> all = null;
            for (var entry : lists.entrySet()) {
                Dataset<Row> list = entry.getValue().select(lit(entry.getKey()).as("predictor"), col("customer_id"), col("product_id"), col("rank"));
                all = all == null ? list : all.unionByName(list);
            }
            return all.localCheckpoint(true);
        });
        details.putAll(affinity.measurements());
        long catalogue = Math.max(products.count(), purchases.select("product_id").distinct().count());
        List<Row> names = new ArrayList<>();
        Set<String> predictors = new TreeSet<>(ranked.select("predictor").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        predictors.forEach(name -> names.add(RowFactory.create(name)));
        Dataset<Row> predictorRows = warehouse.spark().createDataFrame(names, new StructType().add("predictor", DataTypes.StringType));
        Dataset<Row> metrics = null;
        for (int k : new TreeSet<>(List.of(10, settings.topK()))) {
            Dataset<Row> atK = RankingMetrics.evaluate(ranked, relevant, predictorRows, k, catalogue);
            metrics = metrics == null ? atK : metrics.unionByName(atK);
        }
        Dataset<Row> rows = metrics.localCheckpoint(true)
                .withColumn("cutoff", lit(Date.valueOf(cutoff)))
                .withColumn("horizon_days", lit(horizonDays))
                .withColumn("evaluated_at", lit(Timestamp.from(context.now())));
        warehouse.upsert(Tables.AFFINITY_EVALUATION, rows);
        long written = warehouse.read(Tables.AFFINITY_EVALUATION)
                .where(col("cutoff").equalTo(lit(Date.valueOf(cutoff))).and(col("horizon_days").equalTo(horizonDays))).count();
        return new StageResult("evaluate_affinity", evaluated, written, 0, summary(cutoff, horizonDays), details);
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
