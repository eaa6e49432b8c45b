package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.first;
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

    /**
     * @param allScorers run every scorer (for evaluation and its ablations); otherwise a scorer whose blend weight is
     *                   0 is skipped and its score column is 0
     */
    public ProductAffinity(AffinityConfig settings, boolean allScorers) {
        this.settings = settings;
        this.allScorers = allScorers;
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
        // Local checkpoints (eager, on the executors) rather than persist: they also cut the query plans, which
        // otherwise grow with every stage that reuses these inputs and become slow to plan and print.
        Dataset<Row> lines = ProductLines.of(transactions, products, asOf, settings.halfLifeDays()).localCheckpoint(true);
        Dataset<Row> wanted = customers.select("customer_id").distinct().localCheckpoint(true);
        Dataset<Row> history = measure(AffinitySource.BUY_AGAIN, () ->
                BuyAgainScorer.history(lines, asOf, horizonDays, settings.cyclePriorGaps(), settings.halfLifeDays()).join(wanted, "customer_id", "left_semi"));
        Dataset<Row> buyAgain = Scores.topPerGroup(history.where(col("buy_again_score").gt(0)), "customer_id",
                settings.candidatesPerSource(), col("buy_again_score").desc(), col("product_id"))
                .select("customer_id", "product_id", "buy_again_score");
        List<Dataset<Row>> sources = new ArrayList<>(List.of(buyAgain));
        if (runs(settings.weightCollaborative())) {
            sources.add(measure(AffinitySource.COLLABORATIVE, () -> CollaborativeScorer.score(lines, wanted, settings)));
        }
        if (runs(settings.weightCoOccurrence())) {
            sources.add(measure(AffinitySource.CO_OCCURRENCE, () -> CoOccurrenceScorer.score(lines, wanted, settings)));
        }
        if (runs(settings.weightPopularity())) {
            sources.add(measure(AffinitySource.POPULARITY, () ->
                    PopularityScorer.score(lines, wanted, settings.popularityDays(), settings.candidatesPerSource())));
        }

        Dataset<Row> catalogue = lines.groupBy("product_id").agg(first("category", true).as("category"))
                .unionByName(products.select("product_id", "category"))
                .groupBy("product_id").agg(max("category").as("category"));
        Dataset<Row> replenishable = products.select(col("product_id"), col("replenishable"));
        Dataset<Row> scored = union(sources);
        Dataset<Row> historyColumns = history.select(col("customer_id"), col("product_id"), lit(true).as("is_repeat"),
                col("last_purchase_date"), col("due_date"), col("replenishable").as("history_replenishable"));
        Column durable = coalesce(col("history_replenishable"), col("replenishable"), lit(true)).equalTo(false);
        Column recent = date_diff(lit(Date.valueOf(asOf)), col("last_purchase_date")).leq(settings.excludeDurableDays());
        return scored
                .join(historyColumns, new String[] {"customer_id", "product_id"}, "left")
                .join(broadcast(catalogue), "product_id", "left")
                .join(broadcast(replenishable), "product_id", "left")
                .where(coalesce(col("is_repeat"), lit(false)).and(durable).and(recent).unary_$bang())
                .select(col("customer_id"), col("product_id"), col("category"),
                        coalesce(col("is_repeat"), lit(false)).as("is_repeat"),
                        col("last_purchase_date"), col("due_date"),
                        col("buy_again_score"), col("collaborative_score"), col("co_occurrence_score"), col("popularity_score"))
                .localCheckpoint(true);
    }

    /** Outer union of the sources on (customer_id, product_id), each score 0 where its scorer had no candidate. */
    private static Dataset<Row> union(List<Dataset<Row>> sources) {
        Dataset<Row> all = null;
        for (Dataset<Row> source : sources) {
            Dataset<Row> widened = source;
            for (AffinitySource s : AffinitySource.values()) {
                if (!java.util.Arrays.asList(source.columns()).contains(s.scoreColumn())) {
                    widened = widened.withColumn(s.scoreColumn(), lit(0.0));
                }
            }
            widened = widened.select(col("customer_id"), col("product_id"), col("buy_again_score"), col("collaborative_score"),
                    col("co_occurrence_score"), col("popularity_score"));
            all = all == null ? widened : all.unionByName(widened);
        }
        return all.groupBy("customer_id", "product_id").agg(
                max("buy_again_score").as("buy_again_score"), max("collaborative_score").as("collaborative_score"),
                max("co_occurrence_score").as("co_occurrence_score"), max("popularity_score").as("popularity_score"));
    }

    private Dataset<Row> measure(AffinitySource source, Supplier<Dataset<Row>> scorer) {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long started = System.nanoTime();
        Dataset<Row> result = scorer.get().localCheckpoint(true);
        measurements.put(source.label() + "_ms", (System.nanoTime() - started) / 1_000_000);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        measurements.put(source.label() + "_peak_heap_mb", peak / (1024 * 1024));
        return result;
    }
}
