package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * A plain-words reason for each ranked product, and its source, from the candidate's strongest features.
 *
 * <ul>
 * <li>A product bought on two or more days with a cycle: "you buy this about every 3 weeks; last bought 25 days
 * ago" (source due_repeat). The cycle is written in days below 14 days, in weeks below 60 days, else in months.</li>
 * <li>A product bought on one day: "you bought this 40 days ago" (due_repeat).</li>
 * <li>A new product: the discovery source with the largest score, each scaled so the customer's best candidate of
 * that source is 1 (the raw scales differ): co-occurrence "often bought with X" (X the customer's product that
 * contributed most; bought_together), the TIFU-KNN neighbour term "customers who buy what you buy also buy this" and
 * ALS "customers with similar taste buy this" (both similar_customers), popularity "popular in C" or "popular now"
 * (popular_in_category).</li>
 * </ul>
 */
public final class Reasons {
    /** The day count of a repeat reason, after "last bought " or "you bought this " (group 1). */
    private static final String DAYS_AGO = "(last bought |you bought this )-?[0-9]+ days ago";

    private Reasons() {
    }

    /** Adds reason and source columns to scored candidates. */
    public static Dataset<Row> explain(Dataset<Row> candidates, LocalDate asOf) {
        Column since = date_diff(lit(Date.valueOf(asOf)), col("last_purchase_date"));
        Column cycle = col("cycle_days");
        Column cycleText = when(cycle.lt(13.5), concat(round(cycle).cast(DataTypes.IntegerType).cast(DataTypes.StringType), lit(" days")))
                .when(cycle.lt(60), concat(round(cycle.divide(7)).cast(DataTypes.IntegerType).cast(DataTypes.StringType), lit(" weeks")))
                .otherwise(concat(round(cycle.divide(30.4)).cast(DataTypes.IntegerType).cast(DataTypes.StringType), lit(" months")));
        Column repeatReason = when(col("purchase_days").geq(2).and(cycle.isNotNull()),
                        concat(lit("you buy this about every "), cycleText, lit("; last bought "), since.cast(DataTypes.StringType), lit(" days ago")))
                .otherwise(concat(lit("you bought this "), since.cast(DataTypes.StringType), lit(" days ago")));

        Dataset<Row> scaled = candidates;
        String[] discovery = {"co_occurrence_score", "neighbour_vector", "collaborative_score", "popularity_score"};
        for (String score : discovery) {
            Column largest = max(col(score)).over(Window.partitionBy("customer_id"));
            scaled = scaled.withColumn("_scaled_" + score, coalesce(try_divide(col(score), largest), lit(0.0)));
        }
        Column best = greatest(col("_scaled_co_occurrence_score"), col("_scaled_neighbour_vector"),
                col("_scaled_collaborative_score"), col("_scaled_popularity_score"));
        Column together = col("_scaled_co_occurrence_score").gt(0).and(col("_scaled_co_occurrence_score").geq(best))
                .and(col("co_occurrence_with").isNotNull());
        Column neighbours = col("_scaled_neighbour_vector").gt(0).and(col("_scaled_neighbour_vector").geq(best));
        Column collaborative = col("_scaled_collaborative_score").gt(0).and(col("_scaled_collaborative_score").geq(best));
        Column reason = when(col("is_repeat"), repeatReason)
                .when(together, concat(lit("often bought with "), col("co_occurrence_with")))
                .when(neighbours, lit("customers who buy what you buy also buy this"))
                .when(collaborative, lit("customers with similar taste buy this"))
                .when(col("category").isNotNull(), concat(lit("popular in "), col("category")))
                .otherwise(lit("popular now"));
        Column source = when(col("is_repeat"), lit(AffinitySource.BUY_AGAIN.reason()))
                .when(together, lit(AffinitySource.CO_OCCURRENCE.reason()))
                .when(neighbours.or(collaborative), lit(AffinitySource.COLLABORATIVE.reason()))
                .otherwise(lit(AffinitySource.POPULARITY.reason()));
        Dataset<Row> explained = scaled.withColumn("reason", reason).withColumn("source", source);
        for (String score : discovery) {
            explained = explained.drop("_scaled_" + score);
        }
        return explained;
    }

    /**
     * A carried ranking's reasons with the days since the last purchase counted to {@code asOf}: "last bought 25 days
     * ago" and "you bought this 40 days ago" (the repeat reasons {@link #explain} writes) from last_purchase_date;
     * other reasons do not count days and are kept.
     */
    public static Dataset<Row> countDaysTo(Dataset<Row> ranked, LocalDate asOf) {
        Column since = date_diff(lit(Date.valueOf(asOf)), col("last_purchase_date")).cast(DataTypes.StringType);
        Column counted = regexp_replace(col("reason"), lit(DAYS_AGO), concat(lit("$1"), since, lit(" days ago")));
        return ranked.withColumn("reason", when(col("is_repeat").and(col("last_purchase_date").isNotNull()), counted).otherwise(col("reason")));
    }
}
