package dev.onetoone.model;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_divide;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The BTYD summary of every customer as of a date, from {@code customer_state}, following the literature's
 * convention in whole days: x = purchase days − 1, t_x = last − first purchase day, T = as-of − first purchase day,
 * both divided by the time unit (7 for weeks). Computed at scoring time, so every customer ages each night even
 * without a purchase. mean_repeat_spend is the mean spend of the repeat days (Gamma-Gamma's m̄, 0 when x = 0).
 */
public final class CustomerSummaries {
    private CustomerSummaries() {
    }

    public static Dataset<Row> of(Dataset<Row> state, LocalDate asOf, double timeUnitDays) {
        return state.where(col("first_purchase_date").leq(lit(Date.valueOf(asOf)))).select(columns(asOf, timeUnitDays).toArray(Column[]::new));
    }

    /** The summary's columns over a {@code customer_state} row, customer_id first. */
    public static List<Column> columns(LocalDate asOf, double timeUnitDays) {
        Column asOfDate = lit(Date.valueOf(asOf));
        Column x = col("purchase_days").minus(1);
        return List.of(
                col("customer_id"),
                x.cast(DataTypes.IntegerType).as("x"),
                date_diff(col("last_purchase_date"), col("first_purchase_date")).cast(DataTypes.DoubleType).divide(timeUnitDays).as("t_x"),
                date_diff(asOfDate, col("first_purchase_date")).cast(DataTypes.DoubleType).divide(timeUnitDays).as("t_age"),
                coalesce(try_divide(col("total_spend").minus(col("first_day_spend")).cast(DataTypes.DoubleType), x.cast(DataTypes.DoubleType)),
                        lit(0.0)).as("mean_repeat_spend"),
                col("first_day_spend").cast(DataTypes.DoubleType).as("first_day_spend"),
                col("sum_gap_days"),
                col("sum_squared_gap_days"),
                col("first_purchase_date"),
                col("last_purchase_date"),
                date_diff(asOfDate, col("first_purchase_date")).as("history_days"),
                date_diff(asOfDate, col("last_purchase_date")).as("days_since_last"));
    }
}
