package dev.onetoone.model;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.io.Tables;

/**
 * Each customer's sufficient statistics, folded day by day. Transactions are collapsed to distinct purchase days
 * (returns excluded, as in the BTYD literature's day-level counting); a day's spend is the sum of its purchase
 * lines. The statistics combine associatively: folding days 1-3 and then days 4-6 gives exactly the state of
 * folding days 1-6 at once, which is what makes the nightly update incremental (only the new days' transactions
 * are read) and equal to a full rebuild.
 *
 * <p>Columns: {@code purchase_days} (x + 1), {@code first_purchase_date}, {@code last_purchase_date},
 * {@code first_day_spend}, {@code total_spend} (all purchase days), {@code sum_gap_days} and
 * {@code sum_squared_gap_days} (gaps between consecutive purchase days), {@code state_as_of}.
 */
public final class CustomerStateStage {
    private CustomerStateStage() {
    }

    /**
     * Folds the purchases dated after {@code foldedThrough} (exclusive; null for a full build) up to and including
     * {@code asOf} into {@code state}. Returns the complete new state (unchanged customers included).
     */
    public static Dataset<Row> fold(Dataset<Row> state, Dataset<Row> transactions, LocalDate foldedThrough, LocalDate asOf) {
        return fold(state, transactions, foldedThrough, asOf, "full_outer");
    }

    /** Like {@link #fold} but returns only the customers with new purchase days, for a MERGE into the state table. */
    public static Dataset<Row> foldChanged(Dataset<Row> state, Dataset<Row> transactions, LocalDate foldedThrough, LocalDate asOf) {
        return fold(state, transactions, foldedThrough, asOf, "right_outer");
    }

    private static Dataset<Row> fold(Dataset<Row> state, Dataset<Row> transactions, LocalDate foldedThrough, LocalDate asOf, String join) {
        Column window = col("purchase_date").leq(lit(Date.valueOf(asOf)));
        if (foldedThrough != null) {
            window = window.and(col("purchase_date").gt(lit(Date.valueOf(foldedThrough))));
        }
        Dataset<Row> days = transactions.where(window.and(col("is_return").unary_$bang()))
                .groupBy("customer_id", "purchase_date")
                .agg(sum(col("amount")).cast(Tables.MONEY).as("day_spend"));
        // Gaps between consecutive new days of one customer; a window per customer, never a global one.
        Dataset<Row> withGaps = days.withColumn("gap",
                date_diff(col("purchase_date"), lag(col("purchase_date"), 1).over(Window.partitionBy("customer_id").orderBy("purchase_date"))));
        Dataset<Row> increment = withGaps.groupBy("customer_id").agg(
                count(lit(1)).cast(DataTypes.IntegerType).as("new_days"),
                min("purchase_date").as("new_first"),
                max("purchase_date").as("new_last"),
                min_by(col("day_spend"), col("purchase_date")).as("new_first_spend"),
                sum("day_spend").cast(Tables.MONEY).as("new_spend"),
                coalesce(sum(col("gap").cast(DataTypes.DoubleType)), lit(0.0)).as("new_gap"),
                coalesce(sum(col("gap").cast(DataTypes.DoubleType).multiply(col("gap"))), lit(0.0)).as("new_gap_squared"));

        Dataset<Row> joined = state.as("s").join(increment.as("n"), col("s.customer_id").equalTo(col("n.customer_id")), join);
        Column hasOld = col("s.customer_id").isNotNull();
        Column hasNew = col("n.customer_id").isNotNull();
        Column bridge = when(hasOld.and(hasNew), date_diff(col("n.new_first"), col("s.last_purchase_date")).cast(DataTypes.DoubleType))
                .otherwise(lit(0.0));
        return joined.select(
                coalesce(col("s.customer_id"), col("n.customer_id")).as("customer_id"),
                (coalesce(col("s.purchase_days"), lit(0)).plus(coalesce(col("n.new_days"), lit(0)))).as("purchase_days"),
                coalesce(col("s.first_purchase_date"), col("n.new_first")).as("first_purchase_date"),
                coalesce(col("n.new_last"), col("s.last_purchase_date")).as("last_purchase_date"),
                coalesce(col("s.first_day_spend"), col("n.new_first_spend")).as("first_day_spend"),
                // spend stays in exact decimals so that folding in any order gives the same sums as a rebuild
                coalesce(col("s.total_spend"), lit(0).cast(Tables.MONEY)).plus(coalesce(col("n.new_spend"), lit(0).cast(Tables.MONEY)))
                        .cast(Tables.MONEY).as("total_spend"),
                coalesce(col("s.sum_gap_days"), lit(0.0)).plus(coalesce(col("n.new_gap"), lit(0.0))).plus(bridge).as("sum_gap_days"),
                coalesce(col("s.sum_squared_gap_days"), lit(0.0)).plus(coalesce(col("n.new_gap_squared"), lit(0.0)))
                        .plus(bridge.multiply(bridge)).as("sum_squared_gap_days"),
                lit(Date.valueOf(asOf)).as("state_as_of"));
    }

    /** The empty state, for a first build. */
    public static Dataset<Row> empty(org.apache.spark.sql.SparkSession spark) {
        return spark.createDataFrame(java.util.List.of(), Tables.CUSTOMER_STATE.schema());
    }
}
