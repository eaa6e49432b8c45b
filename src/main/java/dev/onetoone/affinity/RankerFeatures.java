package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The features the learned ranker sees for each candidate (customer, product), all as of one date, all finite:
 * <ul>
 * <li>each source's score and its rank among the customer's candidates ({@link #MISSING_RANK} where the source gave
 * the product no score): buy-again, ALS, co-occurrence, popularity, and the two TIFU-KNN terms (own vector,
 * neighbours' mean);</li>
 * <li>the customer's history of the product: repeat flag, purchase days, log days since the last purchase, their own
 * cycle for it and the overdue ratio (days since last / cycle);</li>
 * <li>the product: repeat rate across its buyers ({@code (repeat buyers + 1) / (buyers + 2)}, Laplace-smoothed), log
 * buyers, and the trend {@code log((buyers in the last 30 days + 1) / (buyers in the 90 days before / 3 + 1))};</li>
 * <li>the customer: repeat share of their product-days ({@code 1 - distinct products / product-days}), mean
 * products per basket, purchase days, days since the last purchase and since the first (the inputs of
 * {@code p_alive}; see the ranker's documentation for why not {@code p_alive} itself), and the log of the product's
 * median unit price over the customer's mean unit price.</li>
 * </ul>
 */
public final class RankerFeatures {
    /** Rank given to a candidate a source did not score: past any source's cap. */
    static final double MISSING_RANK = 1000.0;
    /** Days of the "recent" part of the trend, and of the earlier window it is compared with. */
    static final int TREND_RECENT_DAYS = 30;
    static final int TREND_EARLIER_DAYS = 90;

    /** The score columns of the candidate sources, in the order of the feature vector. */
    static final List<String> SOURCE_SCORES = List.of("buy_again_score", "collaborative_score", "co_occurrence_score",
            "popularity_score", "own_vector", "neighbour_vector");

    /** Every feature, in the order of the feature vector. */
    public static final List<String> FEATURES = List.of(
            "buy_again_score", "buy_again_rank", "collaborative_score", "collaborative_rank",
            "co_occurrence_score", "co_occurrence_rank", "popularity_score", "popularity_rank",
            "own_vector", "own_vector_rank", "neighbour_vector", "neighbour_vector_rank",
            "repeat", "purchase_days", "log_days_since_last", "cycle_days", "overdue_ratio",
            "product_repeat_rate", "product_log_buyers", "product_trend",
            "customer_repeat_share", "customer_basket_size", "customer_purchase_days", "customer_recency_days",
            "customer_tenure_days", "price_ratio");

    /** The features of each candidate source, left out together in that source's ablation. */
    public static final Map<String, List<String>> ABLATIONS = ablations();

    private RankerFeatures() {
    }

    private static Map<String, List<String>> ablations() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        map.put("buy_again", List.of("buy_again_score", "buy_again_rank"));
        map.put("tifu_knn", List.of("own_vector", "own_vector_rank", "neighbour_vector", "neighbour_vector_rank"));
        map.put("collaborative", List.of("collaborative_score", "collaborative_rank"));
        map.put("co_occurrence", List.of("co_occurrence_score", "co_occurrence_rank"));
        map.put("popularity", List.of("popularity_score", "popularity_rank"));
        return java.util.Collections.unmodifiableMap(map);
    }

    /**
     * The candidates a ranking without the source would have: those with a positive score from another source (the
     * ablated source's features are then left out of the model by the caller).
     */
    public static Dataset<Row> withoutSource(Dataset<Row> features, String source) {
        List<String> ablated = ABLATIONS.get(source);
        Column kept = lit(false);
        for (String score : SOURCE_SCORES) {
            if (!ablated.contains(score)) {
                kept = kept.or(col(score).gt(0));
            }
        }
        return features.where(kept);
    }

    /** The rank column of a source score column. */
    static String rankColumn(String scoreColumn) {
        return scoreColumn.endsWith("_score") ? scoreColumn.replace("_score", "_rank") : scoreColumn + "_rank";
    }

    /**
     * The product part of the features, from every customer's lines: product_id, product_repeat_rate,
     * product_log_buyers, product_trend, product_price (the median unit price; null without prices).
     */
    static Dataset<Row> productFeatures(Dataset<Row> lines) {
        Dataset<Row> pairs = productDays(lines).groupBy("customer_id", "product_id")
                .agg(count(lit(1)).as("days"),
                        sum(when(col("age_days").lt(TREND_RECENT_DAYS), 1).otherwise(0)).as("recent_days"),
                        sum(when(col("age_days").geq(TREND_RECENT_DAYS).and(col("age_days").lt(TREND_RECENT_DAYS + TREND_EARLIER_DAYS)), 1)
                                .otherwise(0)).as("earlier_days"));
        Dataset<Row> productPrices = lines.where(col("unit_price").gt(0)).groupBy("product_id")
                .agg(percentile_approx(col("unit_price"), lit(0.5), lit(1000)).as("product_price"));
        return pairs.groupBy("product_id").agg(
                        count(lit(1)).as("buyers"),
                        sum(when(col("days").geq(2), 1).otherwise(0)).as("repeat_buyers"),
                        sum(when(col("recent_days").gt(0), 1).otherwise(0)).as("recent_buyers"),
                        sum(when(col("earlier_days").gt(0), 1).otherwise(0)).as("earlier_buyers"))
                .join(productPrices, new String[] {"product_id"}, "left")
                .select(col("product_id"),
                        col("repeat_buyers").plus(1.0).divide(col("buyers").plus(2.0)).as("product_repeat_rate"),
                        log1p(col("buyers")).as("product_log_buyers"),
                        log(col("recent_buyers").plus(1.0).divide(col("earlier_buyers").divide(TREND_EARLIER_DAYS / (double) TREND_RECENT_DAYS).plus(1.0)))
                                .as("product_trend"),
                        col("product_price"));
    }

    /**
     * Distinct product-days (customer_id, product_id, purchase_date, age_days). Every count of the features is a count
     * of these, so they are taken once: several distinct aggregates in one query make Spark expand every line once per
     * distinct aggregate and aggregate it four times.
     */
    private static Dataset<Row> productDays(Dataset<Row> lines) {
        return lines.groupBy("customer_id", "product_id", "purchase_date").agg(min("age_days").as("age_days"));
    }

    /**
     * The candidates with every column of {@link #FEATURES} added (doubles, no null, no NaN).
     *
     * @param candidates {@link ProductAffinity#candidates} rows
     * @param lines      {@link ProductLines#of} rows of all customers as of {@code asOf}
     */
    public static Dataset<Row> of(Dataset<Row> candidates, Dataset<Row> lines, LocalDate asOf) {
        return of(candidates, lines, asOf, productFeatures(lines));
    }

    /**
     * As {@link #of(Dataset, Dataset, LocalDate)}, with the product features given ({@link #productFeatures}, for
     * example kept from the ranker's training night, {@link ProductStatistics}); only the candidate customers' lines
     * are read.
     */
    static Dataset<Row> of(Dataset<Row> candidates, Dataset<Row> lines, LocalDate asOf, Dataset<Row> products) {
        Dataset<Row> candidateCustomers = candidates.select("customer_id").distinct();
        Dataset<Row> mine = lines.join(candidateCustomers, "customer_id", "left_semi");
        Column asOfDate = lit(Date.valueOf(asOf));
        // A customer's purchase days, recency and tenure from their distinct days; their products and product-days
        // from their product-days; their mean unit price over their lines; their basket size over their baskets.
        Dataset<Row> productDays = productDays(mine).localCheckpoint(true);
        Dataset<Row> days = productDays
                .groupBy("customer_id", "purchase_date").agg(count(lit(1)).as("products"))
                .groupBy("customer_id").agg(
                        count(lit(1)).as("customer_purchase_days"),
                        sum("products").as("product_days"),
                        date_diff(asOfDate, max("purchase_date")).cast(DataTypes.DoubleType).as("customer_recency_days"),
                        date_diff(asOfDate, min("purchase_date")).cast(DataTypes.DoubleType).as("customer_tenure_days"));
        Dataset<Row> distinctProducts = productDays.groupBy("customer_id", "product_id").agg(count(lit(1)).as("days"))
                .groupBy("customer_id").agg(count(lit(1)).as("distinct_products"));
        Dataset<Row> prices = mine.groupBy("customer_id").agg(avg(when(col("unit_price").gt(0), col("unit_price"))).as("customer_price"));
        Dataset<Row> baskets = mine.groupBy("customer_id", "basket", "product_id").agg(count(lit(1)).as("lines"))
                .groupBy("customer_id", "basket").agg(count(lit(1)).as("basket_products"))
                .groupBy("customer_id").agg(avg("basket_products").as("customer_basket_size"));
        Dataset<Row> customers = days.join(distinctProducts, "customer_id").join(prices, "customer_id").join(baskets, "customer_id")
                .withColumn("customer_repeat_share", lit(1.0).minus(col("distinct_products").divide(col("product_days"))))
                .drop("distinct_products", "product_days");

        Dataset<Row> withRanks = candidates;
        for (String score : SOURCE_SCORES) {
            Column rank = row_number().over(Window.partitionBy("customer_id").orderBy(col(score).desc(), col("product_id")));
            withRanks = withRanks.withColumn(rankColumn(score), when(col(score).gt(0), rank.cast(DataTypes.DoubleType)).otherwise(MISSING_RANK));
        }
        Column daysSince = date_diff(asOfDate, col("last_purchase_date")).cast(DataTypes.DoubleType);
        Column cycle = coalesce(col("cycle_days"), lit(0.0));
        Dataset<Row> features = withRanks
                .join(broadcast(products), new String[] {"product_id"}, "left")
                .join(customers, new String[] {"customer_id"}, "left")
                .withColumn("repeat", when(col("is_repeat"), 1.0).otherwise(0.0))
                .withColumn("purchase_days", coalesce(col("purchase_days").cast(DataTypes.DoubleType), lit(0.0)))
                .withColumn("log_days_since_last", coalesce(log1p(daysSince), lit(0.0)))
                .withColumn("cycle_days", when(col("is_repeat"), cycle).otherwise(0.0))
                .withColumn("overdue_ratio", when(col("is_repeat").and(cycle.gt(0)), coalesce(daysSince, lit(0.0)).divide(cycle)).otherwise(0.0))
                .withColumn("price_ratio", coalesce(log(greatest(lit(1e-6), col("product_price")).divide(greatest(lit(1e-6), col("customer_price")))),
                        lit(0.0)));
        for (String feature : FEATURES) {
            features = features.withColumn(feature, coalesce(col(feature).cast(DataTypes.DoubleType), lit(0.0)));
        }
        return features.drop("product_price", "customer_price");
    }
}
