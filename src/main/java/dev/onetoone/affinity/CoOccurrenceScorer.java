package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.config.OneToOneConfig.AffinityConfig;

/**
 * Bought together, in the spirit of SAR (Simple Algorithm for Recommendation): an item-to-item similarity from
 * baskets, multiplied by the customer's time-decayed affinity for the items they bought.
 *
 * <ul>
 * <li><b>Similarity</b>: with {@code c_i} the baskets holding product {@code i} and {@code c_ij} those holding both,
 * Jaccard {@code c_ij / (c_i + c_j - c_ij)}. Pairs seen in fewer than {@code affinity.co-occurrence.min-baskets}
 * baskets are dropped (one shared basket says little), and each product keeps its
 * {@code affinity.co-occurrence.neighbours} most similar products. Baskets with more than
 * {@code affinity.co-occurrence.max-basket-products} distinct products (bulk or business orders, whose pair count
 * grows with the square of their size) are left out of the counts.</li>
 * <li><b>Customer affinity</b> {@code a(i)}: the customer's decayed purchase days of product {@code i}; their
 * {@code neighbours} strongest products are used.</li>
 * <li><b>Score</b> of product {@code j}: {@code sum_i a(i) * sim(i, j)}, scaled so the customer's best is 1.</li>
 * </ul>
 */
final class CoOccurrenceScorer {
    private CoOccurrenceScorer() {
    }

    /** Item-to-item similarity: product_id, neighbour_id, similarity; the strongest neighbours of each product. */
    static Dataset<Row> similarity(Dataset<Row> lines, AffinityConfig settings) {
        Dataset<Row> basketProducts = lines.select("basket", "product_id").distinct();
        Dataset<Row> sizes = basketProducts.groupBy("basket").agg(count(lit(1)).as("size"));
        Dataset<Row> kept = basketProducts.join(sizes.where(col("size").leq(settings.coOccurrence().maxBasketProducts())), "basket")
                .select("basket", "product_id").persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> productBaskets = kept.groupBy("product_id").agg(count(lit(1)).as("baskets"));
        Dataset<Row> pairs = kept.as("a").join(kept.as("b"),
                        col("a.basket").equalTo(col("b.basket")).and(col("a.product_id").lt(col("b.product_id"))))
                .groupBy(col("a.product_id").as("i"), col("b.product_id").as("j"))
                .agg(count(lit(1)).as("together"))
                .where(col("together").geq(settings.coOccurrence().minBaskets()));
        Dataset<Row> jaccard = pairs
                .join(productBaskets.select(col("product_id").as("i"), col("baskets").as("baskets_i")), "i")
                .join(productBaskets.select(col("product_id").as("j"), col("baskets").as("baskets_j")), "j")
                .withColumn("similarity", col("together").cast(DataTypes.DoubleType)
                        .divide(col("baskets_i").plus(col("baskets_j")).minus(col("together"))));
        Dataset<Row> bothWays = jaccard.select(col("i").as("product_id"), col("j").as("neighbour_id"), col("similarity"))
                .unionByName(jaccard.select(col("j").as("product_id"), col("i").as("neighbour_id"), col("similarity")));
        Dataset<Row> top = Scores.topPerGroup(bothWays, "product_id", settings.coOccurrence().neighbours(),
                col("similarity").desc(), col("neighbour_id")).localCheckpoint(true);
        kept.unpersist();
        return top;
    }

    /**
     * Candidates for the given customers: customer_id, product_id, co_occurrence_score, and co_occurrence_with (the
     * customer's product contributing most to the score, for the reason shown).
     */
    static Dataset<Row> score(Dataset<Row> lines, Dataset<Row> customers, AffinityConfig settings) {
        Dataset<Row> similarity = similarity(lines, settings);
        Dataset<Row> affinity = ProductLines.decayedDays(lines.join(customers, "customer_id", "left_semi"), "product_id")
                .withColumnRenamed("decayed_days", "affinity");
        Dataset<Row> strongest = Scores.topPerGroup(affinity, "customer_id", settings.coOccurrence().neighbours(),
                col("affinity").desc(), col("product_id"));
        Dataset<Row> scored = strongest.join(similarity, "product_id")
                .groupBy(col("customer_id"), col("neighbour_id").as("product_id"))
                .agg(sum(col("affinity").multiply(col("similarity"))).as("co_occurrence_score"),
                        max_by(col("product_id"), col("affinity").multiply(col("similarity"))).as("co_occurrence_with"));
        Dataset<Row> top = Scores.topPerGroup(scored, "customer_id", settings.candidatesPerSource(),
                col("co_occurrence_score").desc(), col("product_id"));
        return Scores.scaleToCustomerMax(top, "co_occurrence_score");
    }
}
