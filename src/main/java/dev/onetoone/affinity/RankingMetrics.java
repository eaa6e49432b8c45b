package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log2;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Top-k ranking metrics with binary relevance, averaged over customers.
 *
 * <p>For a customer with relevant set {@code R} (products bought in the evaluation window) and ranked list
 * {@code L}: hits {@code h = |L[1..k] ∩ R|}; precision@k {@code = h / k}; recall@k {@code = h / |R|};
 * DCG@k {@code = sum over hits of 1 / log2(rank + 1)}; NDCG@k {@code = DCG / IDCG} with
 * {@code IDCG = sum_{i=1..min(|R|, k)} 1 / log2(i + 1)}; hit rate: share of customers with {@code h > 0}.
 * Customers with no ranked list count with zeros. Segments restrict {@code R}: {@code repeat} to products the
 * customer bought before, {@code explore} to new ones, each over the customers who have such a purchase.
 * Coverage is the number of distinct products in anybody's top k over the catalogue size.
 */
public final class RankingMetrics {
    private RankingMetrics() {
    }

    /**
     * @param ranked    predictor, customer_id, product_id, rank
     * @param relevant  customer_id, product_id, is_repeat: what each evaluated customer bought in the window
     * @param predictors one row per predictor name (column predictor)
     * @return predictor, segment, k, customers, precision_at_k, recall_at_k, ndcg_at_k, hit_rate_at_k, coverage
     */
    public static Dataset<Row> evaluate(Dataset<Row> ranked, Dataset<Row> relevant, Dataset<Row> predictors, int k, long catalogueSize) {
        Dataset<Row> topK = ranked.where(col("rank").leq(k)).select("predictor", "customer_id", "product_id", "rank");
        Dataset<Row> coverage = topK.groupBy("predictor")
                .agg(count_distinct(col("product_id")).divide((double) Math.max(1, catalogueSize)).as("coverage"));
        Dataset<Row> result = null;
        for (String segment : new String[] {"all", "repeat", "explore"}) {
            Column inSegment = switch (segment) {
                case "repeat" -> col("is_repeat");
                case "explore" -> col("is_repeat").unary_$bang();
                default -> lit(true);
            };
            Dataset<Row> perCustomer = perCustomer(topK, relevant.where(inSegment), predictors, k);
            Dataset<Row> metrics = perCustomer.groupBy("predictor").agg(
                    count(lit(1)).as("customers"),
                    avg(col("hits").divide((double) k)).as("precision_at_k"),
                    avg(col("hits").divide(col("relevant"))).as("recall_at_k"),
                    avg(col("dcg").divide(col("idcg"))).as("ndcg_at_k"),
                    avg(when(col("hits").gt(0), 1.0).otherwise(0.0)).as("hit_rate_at_k"))
                    .withColumn("segment", lit(segment));
            result = result == null ? metrics : result.unionByName(metrics);
        }
        return result.join(coverage, new String[] {"predictor"}, "left")
                .select(col("predictor"), col("segment"), lit(k).as("k"), col("customers"), col("precision_at_k"), col("recall_at_k"),
                        col("ndcg_at_k"), col("hit_rate_at_k"), coalesce(col("coverage"), lit(0.0)).as("coverage"));
    }

    /**
     * Each evaluated customer's NDCG@k per predictor: predictor, customer_id, ndcg (0 for a customer with relevant
     * products and no hit). For paired comparisons of two predictors on the same customers.
     */
    public static Dataset<Row> ndcgPerCustomer(Dataset<Row> ranked, Dataset<Row> relevant, Dataset<Row> predictors, int k) {
        Dataset<Row> topK = ranked.where(col("rank").leq(k)).select("predictor", "customer_id", "product_id", "rank");
        return perCustomer(topK, relevant, predictors, k)
                .select(col("predictor"), col("customer_id"), col("dcg").divide(col("idcg")).as("ndcg"));
    }

    /** predictor, customer_id, relevant, hits, dcg, idcg for every customer with a relevant product and every predictor. */
    private static Dataset<Row> perCustomer(Dataset<Row> topK, Dataset<Row> relevant, Dataset<Row> predictors, int k) {
        Dataset<Row> wanted = relevant.select("customer_id", "product_id");
        Dataset<Row> counts = wanted.groupBy("customer_id").agg(count(lit(1)).as("relevant"));
        Dataset<Row> hits = topK.join(wanted, new String[] {"customer_id", "product_id"})
                .groupBy("predictor", "customer_id")
                .agg(count(lit(1)).as("hits"), sum(lit(1.0).divide(log2(col("rank").plus(1)))).as("dcg"));
        Column idcg = expr("aggregate(sequence(1, least(relevant, " + k + ")), 0D, (acc, i) -> acc + 1D / log2(i + 1))");
        return counts.crossJoin(broadcast(predictors))
                .join(hits, new String[] {"predictor", "customer_id"}, "left")
                .select(col("predictor"), col("customer_id"), col("relevant"),
                        coalesce(col("hits"), lit(0L)).as("hits"), coalesce(col("dcg"), lit(0.0)).as("dcg"), idcg.as("idcg"));
    }
}
