package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Popular in the customer's categories: the fallback for customers and products the other scorers know little about
 * (ALS only scores what it was trained on; a new customer or a new product has no factors).
 *
 * <p>A product's popularity is the number of distinct customers who bought it in the last
 * {@code affinity.popularity-days}, plus a thousandth of its all-time buyers (so that older data still ranks when the
 * recent window is empty). Within its category this gives a share {@code p(j | c)}. A customer's category shares
 * {@code s(c)} are their time-decayed purchase days per category. The score of product {@code j} in category
 * {@code c} is {@code s(c) * p(j | c)} for the customer's three largest categories and the
 * {@code candidatesPerSource} most popular products of each, scaled so the customer's best is 1. Customers with no
 * categorised purchase get the overall most popular products instead.
 */
final class PopularityScorer {
    /** Weight of an all-time buyer relative to a recent one. */
    static final double ALL_TIME_WEIGHT = 0.001;
    /** Categories of each customer that get popular candidates. */
    static final int CATEGORIES_PER_CUSTOMER = 3;

    private PopularityScorer() {
    }

    /** Product popularity: product_id, category, popularity; one row per product bought. */
    static Dataset<Row> popularity(Dataset<Row> lines, int popularityDays) {
        return lines.groupBy("product_id").agg(
                first("category", true).as("category"),
                count_distinct(when(col("age_days").lt(popularityDays), col("customer_id"))).as("recent_buyers"),
                count_distinct(col("customer_id")).as("all_time_buyers"))
                .select(col("product_id"), col("category"),
                        col("recent_buyers").plus(col("all_time_buyers").multiply(ALL_TIME_WEIGHT)).cast(DataTypes.DoubleType)
                                .as("popularity"));
    }

    /** Candidates for the given customers (customer_id): customer_id, product_id, popularity_score. */
    static Dataset<Row> score(Dataset<Row> lines, Dataset<Row> customers, int popularityDays, int candidatesPerSource) {
        return score(popularity(lines, popularityDays), lines, customers, candidatesPerSource);
    }

    /**
     * As above with the products' popularity given ({@link #popularity} of every customer's lines, for example kept
     * from the ranker's training night, {@link ProductStatistics}); only the given customers' lines are read.
     */
    static Dataset<Row> score(Dataset<Row> popularity, Dataset<Row> lines, Dataset<Row> customers, int candidatesPerSource) {
        Dataset<Row> topInCategory = Scores.topPerGroup(popularity.where(col("category").isNotNull()), "category",
                candidatesPerSource, col("popularity").desc(), col("product_id"))
                .withColumn("category_share", col("popularity").divide(sum("popularity").over(Window.partitionBy("category"))));

        Dataset<Row> categoryWeights = ProductLines.decayedDays(
                lines.where(col("category").isNotNull()).join(customers, "customer_id", "left_semi"), "category")
                .withColumnRenamed("decayed_days", "category_weight");
        Dataset<Row> topCategories = Scores.topPerGroup(categoryWeights, "customer_id", CATEGORIES_PER_CUSTOMER,
                col("category_weight").desc(), col("category"));
        Column share = col("category_weight").divide(sum("category_weight").over(Window.partitionBy("customer_id")));
        Dataset<Row> inCategories = topCategories.withColumn("customer_share", share)
                .join(broadcast(topInCategory), "category")
                .select(col("customer_id"), col("product_id"), col("customer_share").multiply(col("category_share")).as("popularity_score"));

        Dataset<Row> overallTop = popularity.orderBy(col("popularity").desc(), col("product_id")).limit(candidatesPerSource)
                .select(col("product_id"), col("popularity").as("popularity_score"));
        Dataset<Row> uncategorised = customers.join(topCategories.select("customer_id"), "customer_id", "left_anti")
                .crossJoin(broadcast(overallTop))
                .select("customer_id", "product_id", "popularity_score");
        return Scores.scaleToCustomerMax(inCategories.unionByName(uncategorised), "popularity_score");
    }
}
