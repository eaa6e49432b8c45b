package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.onetoone.config.OneToOneConfig.AffinityConfig;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.ModelFiles;

/**
 * Runs the four scorers for a set of customers and joins their candidates into one table per customer and product,
 * with what the blend needs to know about the customer's history of each product.
 *
 * <p>Each scorer's output is materialised before the next starts, and its wall time and the peak JVM heap while it
 * ran are recorded (the figures behind the affinity benchmark).
 */
public final class ProductAffinity {
    private final AffinityConfig settings;
    private final Map<String, Long> measurements = new LinkedHashMap<>();

    private final boolean allScorers;
    private Dataset<Row> lastLines;
    private Dataset<Row> lastTifu;
    private CollaborativeScorer.ItemFactors alsItemFactors;
    private ProductStatistics.Kept keptStatistics;
    private ProductStatistics lastStatistics;

    private ProductAffinity(AffinityConfig settings, boolean allScorers) {
        this.settings = settings;
        this.allScorers = allScorers;
    }

    /** The nightly candidates: a scorer whose blend weight is 0 is skipped and its score column is 0. */
    public static ProductAffinity nightly(AffinityConfig settings) {
        return new ProductAffinity(settings, false);
    }

    /** Every scorer runs, whatever its blend weight: for the evaluation and its ablations. */
    public static ProductAffinity withAllScorers(AffinityConfig settings) {
        return new ProductAffinity(settings, true);
    }

    /**
     * Keep ALS's item factors at {@code path}: train ALS and save them there ({@code train}), or fold the customers in
     * against those saved there (see {@link CollaborativeScorer}). Applies to the next {@link #candidates} calls.
     */
    public ProductAffinity keepingAlsItemFactors(String path, boolean train) {
        this.alsItemFactors = new CollaborativeScorer.ItemFactors(path, train);
        return this;
    }

    /**
     * Keep the {@link ProductStatistics} at {@code path}: compute them from every line and save them there
     * ({@code save}), or read those saved there instead of aggregating every line. Applies to the next
     * {@link #candidates} calls (and the {@link #features} that follow them).
     */
    public ProductAffinity keepingProductStatistics(String path, boolean save) {
        this.keptStatistics = new ProductStatistics.Kept(path, save);
        return this;
    }

    private boolean runs(double weight) {
        return allScorers || weight > 0;
    }

    /** Wall milliseconds ({@code <scorer>_ms}) and peak heap MB ({@code <scorer>_peak_heap_mb}) per scorer. */
    public Map<String, Long> measurements() {
        return measurements;
    }

    /**
     * Candidates for the customers in {@code customers} (a customer_id column): customer_id, product_id, category,
     * is_repeat, last_purchase_date, due_date, and the four score columns (0 where a scorer did not propose the
     * product). Learns from transactions up to and including {@code asOf}; buy-again timing looks
     * {@code horizonDays} ahead. Durable (not replenishable) products the customer bought within
     * {@code affinity.exclude-durable-days} are excluded. The result is checkpointed locally (materialised, with a short plan).
     */
    public Dataset<Row> candidates(Dataset<Row> transactions, Dataset<Row> products, Dataset<Row> customers, LocalDate asOf,
            int horizonDays) {
        var spark = transactions.sparkSession();
        // Local checkpoints (eager, on the executors) rather than persist: they also cut the query plans, which
        // otherwise grow with every stage that reuses these inputs and become slow to plan and print.
        // The customers to rank (the caller passes the active ones): every per-customer source works on these only.
        // Customers without a product-level line stay: popularity serves them.
        Dataset<Row> wanted = customers.select("customer_id").distinct().localCheckpoint(true);
        ProductStatistics kept = keptStatistics(spark);
        CollaborativeScorer.ItemFactors factors = alsItemFactors(spark);
        boolean alsFoldsIn = factors != null && !factors.save();
        if (alsItemFactors != null && runs(settings.weights().collaborative())) {
            measurements.put("als_folded_in", alsFoldsIn ? 1L : 0L);
        }
        JobDescription.set(spark, "affinity", "purchase lines");
        Dataset<Row> purchases = ProductLines.of(ProductLines.withoutExcluded(transactions, settings.ranker().excludedProducts()),
                products, asOf, settings.halfLifeDays());
        // With the product statistics kept and ALS folding in (or off), what reads other customers' lines is only the
        // TIFU-KNN neighbour pool: the lines are those of the pool and of the customers ranked. Co-occurrence learns from
        // every basket, so it keeps every line.
        boolean onlyRankedAndPool = kept != null && (alsFoldsIn || !runs(settings.weights().collaborative()))
                && !runs(settings.weights().coOccurrence());
        Dataset<Row> lines = (onlyRankedAndPool ? TifuKnn.linesOfPoolAndCustomers(purchases, wanted, settings.ranker()) : purchases)
                .localCheckpoint(true);
        this.lastLines = lines;
        measurements.put("purchase_lines_of_ranked_and_pool_only", onlyRankedAndPool ? 1L : 0L);
        JobDescription.set(spark, "affinity", "product statistics");
        ProductStatistics statistics = kept != null ? kept : statistics(lines);
        this.lastStatistics = statistics;
        JobDescription.set(spark, "affinity", "buy-again");
        Dataset<Row> history = measure(AffinitySource.BUY_AGAIN, () ->
                BuyAgainScorer.history(lines.join(wanted, "customer_id", "left_semi"), asOf, horizonDays, settings.cyclePriorGaps(),
                        settings.halfLifeDays(), statistics.cycleSums()));
        Dataset<Row> buyAgain = Scores.topPerGroup(history.where(col("buy_again_score").gt(0)), "customer_id",
                settings.candidatesPerSource(), col("buy_again_score").desc(), col("product_id"))
                .select("customer_id", "product_id", "buy_again_score");
        List<Dataset<Row>> sources = new ArrayList<>(List.of(buyAgain));
        JobDescription.set(spark, "affinity", "tifu-knn");
        Dataset<Row> tifu = measureNamed("tifu_knn", () -> TifuKnn.scoreFromLines(lines, wanted, settings.ranker()));
        this.lastTifu = tifu;
        sources.add(Scores.topPerGroup(tifu.where(col("tifu_score").gt(0)), "customer_id", settings.candidatesPerSource(),
                col("tifu_score").desc(), col("product_id")).select("customer_id", "product_id"));
        if (runs(settings.weights().collaborative())) {
            JobDescription.set(spark, "affinity", "als");
            sources.add(measure(AffinitySource.COLLABORATIVE, () -> CollaborativeScorer.score(lines, wanted, settings, factors)));
        }
        if (runs(settings.weights().coOccurrence())) {
            JobDescription.set(spark, "affinity", "co-occurrence");
            sources.add(measure(AffinitySource.CO_OCCURRENCE, () -> CoOccurrenceScorer.score(lines, wanted, settings)));
        }
        if (runs(settings.weights().popularity())) {
            JobDescription.set(spark, "affinity", "popularity");
            sources.add(measure(AffinitySource.POPULARITY, () ->
                    PopularityScorer.score(statistics.popularity(), lines, wanted, settings.candidatesPerSource())));
        }

        JobDescription.set(spark, "affinity", "candidates");
        Dataset<Row> catalogue = statistics.popularity().select("product_id", "category")
                .unionByName(products.select("product_id", "category"))
                .groupBy("product_id").agg(max("category").as("category"));
        Dataset<Row> names = java.util.Arrays.asList(products.columns()).contains("name")
                ? products.select(col("product_id").as("co_occurrence_with"), col("name").as("co_occurrence_with_name"))
                : products.select(col("product_id").as("co_occurrence_with"), lit(null).cast("string").as("co_occurrence_with_name"));
        Dataset<Row> replenishable = products.select(col("product_id"), ProductLines.replenishable(products).as("replenishable"));
        Dataset<Row> scored = union(sources);
        Dataset<Row> historyColumns = history.select(col("customer_id"), col("product_id"), lit(true).as("is_repeat"),
                col("last_purchase_date"), col("due_date"), col("purchase_days"), col("cycle_days"),
                col("buy_again_score").as("history_buy_again_score"), col("replenishable").as("history_replenishable"));
        Column durable = coalesce(col("history_replenishable"), col("replenishable"), lit(true)).equalTo(false);
        Column recent = date_diff(lit(Date.valueOf(asOf)), col("last_purchase_date")).leq(settings.excludeDurableDays());
        return scored
                .join(historyColumns, new String[] {"customer_id", "product_id"}, "left")
                .join(tifu.select("customer_id", "product_id", "own_vector", "neighbour_vector", "tifu_score"),
                        new String[] {"customer_id", "product_id"}, "left")
                .join(broadcast(catalogue), "product_id", "left")
                .join(broadcast(replenishable), "product_id", "left")
                .join(broadcast(names.dropDuplicates("co_occurrence_with")), new String[] {"co_occurrence_with"}, "left")
                .where(coalesce(col("is_repeat"), lit(false)).and(durable).and(recent).unary_$bang())
                .select(col("customer_id"), col("product_id"), col("category"),
                        coalesce(col("is_repeat"), lit(false)).as("is_repeat"),
                        col("last_purchase_date"), col("due_date"), col("purchase_days"), col("cycle_days"),
                        // Every own product has a buy-again score, also when it was past the source's cap.
                        coalesce(col("history_buy_again_score"), col("buy_again_score")).as("buy_again_score"),
                        col("collaborative_score"), col("co_occurrence_score"), col("popularity_score"),
                        coalesce(col("own_vector"), lit(0.0)).as("own_vector"), coalesce(col("neighbour_vector"), lit(0.0)).as("neighbour_vector"),
                        coalesce(col("tifu_score"), lit(0.0)).as("tifu_score"),
                        coalesce(col("co_occurrence_with_name"), col("co_occurrence_with")).as("co_occurrence_with"))
                .localCheckpoint(true);
    }

    /** {@link #candidates} with the ranker's {@link RankerFeatures}; call after {@link #candidates} with its result. */
    public Dataset<Row> features(Dataset<Row> candidates, LocalDate asOf) {
        JobDescription.set(candidates.sparkSession(), "affinity", "ranker features");
        return RankerFeatures.of(candidates, lastLines, asOf, lastStatistics.features()).localCheckpoint(true);
    }

    /**
     * The ranker's training set for a ranking as of {@code asOf}: candidates and features as of
     * {@code asOf - horizonDays}, labelled 1 where the customer bought the product in the following
     * {@code horizonDays} (up to and including {@code asOf}). Customers are those who bought a product both before
     * and in that window, at most {@code maxCustomers} of them (a uniform sample by a hash of the id, no collect).
     */
    public Dataset<Row> trainingSet(Dataset<Row> transactions, Dataset<Row> products, LocalDate asOf, int horizonDays, int maxCustomers) {
        LocalDate featureDate = asOf.minusDays(horizonDays);
        Dataset<Row> purchases = ProductLines.withoutExcluded(transactions, settings.ranker().excludedProducts())
                .where(col("is_return").equalTo(false).and(col("product_id").isNotNull()));
        Dataset<Row> before = purchases.where(col("purchase_date").leq(lit(Date.valueOf(featureDate)))).select("customer_id").distinct();
        Dataset<Row> bought = purchases.where(col("purchase_date").gt(lit(Date.valueOf(featureDate)))
                        .and(col("purchase_date").leq(lit(Date.valueOf(asOf)))))
                .select("customer_id", "product_id").distinct();
        JobDescription.set(transactions.sparkSession(), "affinity", "ranker training customers");
        Dataset<Row> customers = bought.select("customer_id").distinct().join(before, "customer_id").localCheckpoint(true);
        long count = customers.count();
        if (count == 0) {
            throw new NothingToLearnException("no customer bought a product both by " + featureDate + " and in the " + horizonDays
                    + " days after it: the ranker has nothing to learn from; the history must be longer than affinity.horizon-days");
        }
        if (count > maxCustomers) {
            double share = maxCustomers / (double) count;
            customers = customers.where(pmod(hash(col("customer_id")), lit(1_000_000)).lt(share * 1_000_000));
        }
        Dataset<Row> candidates = candidates(transactions, products, customers, featureDate, horizonDays);
        return AffinityRanker.label(features(candidates, featureDate), bought.join(customers, "customer_id", "left_semi"))
                .localCheckpoint(true);
    }

    /**
     * The ALS item factors tonight trains and saves, or folds in against; null when none are kept, or when the saved
     * ones are missing (a warehouse from before they were kept), so that ALS trains.
     */
    private CollaborativeScorer.ItemFactors alsItemFactors(org.apache.spark.sql.SparkSession spark) {
        if (alsItemFactors != null && !alsItemFactors.save() && !ModelFiles.complete(spark, alsItemFactors.path())) {
            return null;
        }
        return alsItemFactors;
    }

    /** The kept product statistics tonight reads (and records that it does), or null when it computes them. */
    private ProductStatistics keptStatistics(org.apache.spark.sql.SparkSession spark) {
        if (keptStatistics == null || keptStatistics.save()) {
            return null;
        }
        boolean saved = ProductStatistics.saved(spark, keptStatistics.path());
        measurements.put("product_statistics_kept", saved ? 1L : 0L);
        return saved ? ProductStatistics.read(spark, keptStatistics.path()) : null;
    }

    /**
     * Tonight's product statistics computed from every customer's lines, and saved when tonight keeps them (not kept,
     * or a warehouse from before they were kept: computed only).
     */
    private ProductStatistics statistics(Dataset<Row> lines) {
        ProductStatistics statistics = ProductStatistics.of(lines, settings.popularityDays());
        if (keptStatistics != null) {
            measurements.put("product_statistics_kept", 0L);
            if (keptStatistics.save()) {
                statistics.save(keptStatistics.path());
            }
        }
        return statistics;
    }

    /** The purchase lines the last {@link #candidates} call read ({@link ProductLines#of} rows). */
    Dataset<Row> purchaseLines() {
        return lastLines;
    }

    /** The TIFU-KNN scores of the last {@link #candidates} call (customer_id, product_id, own_vector, neighbour_vector, tifu_score). */
    public Dataset<Row> tifuScores() {
        return lastTifu;
    }

    /**
     * Outer union of the sources on (customer_id, product_id), each score 0 where its scorer had no candidate;
     * co_occurrence_with is the customer's product that contributed most to the co-occurrence score (null if none).
     */
    private static Dataset<Row> union(List<Dataset<Row>> sources) {
        Dataset<Row> all = null;
        for (Dataset<Row> source : sources) {
            Dataset<Row> widened = source;
            var columns = java.util.Arrays.asList(source.columns());
            for (AffinitySource s : AffinitySource.values()) {
                if (!columns.contains(s.scoreColumn())) {
                    widened = widened.withColumn(s.scoreColumn(), lit(0.0));
                }
            }
            if (!columns.contains("co_occurrence_with")) {
                widened = widened.withColumn("co_occurrence_with", lit(null).cast("string"));
            }
            widened = widened.select(col("customer_id"), col("product_id"), col("buy_again_score"), col("collaborative_score"),
                    col("co_occurrence_score"), col("popularity_score"), col("co_occurrence_with"));
            all = all == null ? widened : all.unionByName(widened);
        }
        return all.groupBy("customer_id", "product_id").agg(
                max("buy_again_score").as("buy_again_score"), max("collaborative_score").as("collaborative_score"),
                max("co_occurrence_score").as("co_occurrence_score"), max("popularity_score").as("popularity_score"),
                first("co_occurrence_with", true).as("co_occurrence_with"));
    }

    private Dataset<Row> measure(AffinitySource source, Supplier<Dataset<Row>> scorer) {
        return measureNamed(source.label(), scorer);
    }

    private Dataset<Row> measureNamed(String label, Supplier<Dataset<Row>> scorer) {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long started = System.nanoTime();
        Dataset<Row> result = scorer.get().localCheckpoint(true);
        measurements.put(label + "_ms", (System.nanoTime() - started) / 1_000_000);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        measurements.put(label + "_peak_heap_mb", peak / (1024 * 1024));
        return result;
    }
}
