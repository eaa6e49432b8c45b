package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Blends the scorers' candidates into one ranked list per customer.
 *
 * <ul>
 * <li><b>Score</b>: a noisy-OR, {@code 1 - prod_s (1 - w_s * score_s)} with weights in [0, 1]: the chance that at
 * least one source's reason leads to a purchase, were the weighted scores independent probabilities. When the
 * buy-again scorer takes part, a product the customer has bought is scored by their own history only (buy-again is a
 * probability learnt from exactly that history; population signals add noise to it), and the discovery sources
 * (ALS, co-occurrence, popularity) score the products they have not bought. A discovery weight is thus the purchase
 * probability a discovery source's best candidate is worth next to the customer's own repeats. Candidates scoring 0
 * are dropped.</li>
 * <li><b>Source</b>: the scorer with the largest weighted contribution (ties in the order due_repeat,
 * similar_customers, bought_together, popular_in_category).</li>
 * <li><b>Diversity</b>: at most {@code maxPerCategory} products of one category, keeping the best. A product without
 * a category is its own group: an unknown category is no reason to hold products back.</li>
 * <li><b>Rank</b> 1..k by score, ties by product id; below rank k, the customer's best new products may be kept
 * (numbered among themselves by {@code new_rank}).</li>
 * </ul>
 * The candidates already exclude durable products the customer bought recently ({@link ProductAffinity}).
 */
public final class AffinityBlender {
    private AffinityBlender() {
    }

    /**
     * Ranked rows: the candidate columns plus score, source and rank (1..k), at most k per customer.
     *
     * @param candidates {@link ProductAffinity#candidates} output
     */
    public static Dataset<Row> rank(Dataset<Row> candidates, BlendWeights weights, int k, int maxPerCategory) {
        return rank(candidates, weights, k, maxPerCategory, 0);
    }

    /**
     * As {@link #rank(Dataset, BlendWeights, int, int)}, also keeping the customer's best {@code newProducts} new
     * products below rank k ({@link #rankByScore(Dataset, int, int, int)}).
     */
    public static Dataset<Row> rank(Dataset<Row> candidates, BlendWeights weights, int k, int maxPerCategory, int newProducts) {
        Column miss = lit(1.0);
        Column source = null;
        Column best = lit(-1.0);
        AffinitySource[] sources = AffinitySource.values();
        for (AffinitySource s : sources) {
            miss = miss.multiply(lit(1.0).minus(contribution(s, weights)));
        }
        Column score = lit(1.0).minus(miss);
        // Walk the sources from last to first so that on a tie the earlier source wins.
        for (int i = sources.length - 1; i >= 0; i--) {
            Column contribution = contribution(sources[i], weights);
            source = source == null ? lit(sources[i].reason()) : when(contribution.geq(best), lit(sources[i].reason())).otherwise(source);
            best = when(contribution.geq(best), contribution).otherwise(best);
        }
        Dataset<Row> scored = candidates
                .withColumn("score", score)
                .withColumn("source", source)
                .where(col("score").gt(0));
        return rankByScore(scored, k, maxPerCategory, newProducts);
    }

    /**
     * Keeps at most {@code maxPerCategory} products of one category per customer (the best by score; a product with
     * no category is limited by nothing) and numbers the rest 1..k by score, ties by product id.
     */
    public static Dataset<Row> rankByScore(Dataset<Row> scored, int k, int maxPerCategory) {
        return rankByScore(scored, k, maxPerCategory, 0);
    }

    /**
     * As {@link #rankByScore(Dataset, int, int)}, with {@code new_rank}: a new product's rank among the customer's new
     * products (is_repeat false), null for a repeat. The rows are ranks 1..k, and the customer's best
     * {@code newProducts} new products wherever they rank: a list of repeat purchases still names the new products a
     * cross-sell offer can draw from. {@code rank} stays the position among all the customer's products.
     */
    public static Dataset<Row> rankByScore(Dataset<Row> scored, int k, int maxPerCategory, int newProducts) {
        Dataset<Row> diverse = scored
                .withColumn("_in_category", row_number().over(Window.partitionBy(col("customer_id"), coalesce(col("category"), col("product_id")))
                        .orderBy(col("score").desc(), col("product_id"))))
                .where(col("_in_category").leq(maxPerCategory))
                .drop("_in_category");
        // One window for both: a new product's new_rank is the count of new products down to its rank.
        WindowSpec byScore = Window.partitionBy("customer_id").orderBy(col("score").desc(), col("product_id"));
        Column isNew = col("is_repeat").unary_$bang();
        return diverse
                .withColumn("rank", row_number().over(byScore))
                .withColumn("new_rank", when(isNew, count(when(isNew, lit(1))).over(byScore.rowsBetween(Window.unboundedPreceding(), Window.currentRow()))
                        .cast("int")))
                .where(col("rank").leq(k).or(col("new_rank").leq(newProducts)));
    }

    private static Column contribution(AffinitySource source, BlendWeights weights) {
        Column weighted = col(source.scoreColumn()).multiply(weights.weight(source));
        if (source != AffinitySource.BUY_AGAIN && weights.weight(AffinitySource.BUY_AGAIN) > 0) {
            return when(col("is_repeat"), lit(0.0)).otherwise(weighted);
        }
        return weighted;
    }
}
