package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Base points: earning.points-per-unit redeemable points and earning.qualifying-per-unit qualifying points per
 * currency unit of each line's amount, rounded down per line. No settings of its own.
 */
final class BasePointsRule implements EarningRule {
    @Override
    public Dataset<Row> earn(EarningInputs inputs) {
        Dataset<Row> redeemable = EarningRule.perLine(inputs.lines(), col("base_points"));
        Dataset<Row> qualifying = inputs.lines().select(col("customer_id"), col("line_id").as("source_id"),
                col("purchase_date").as("source_date"), col("transaction_key"), lit(QUALIFYING).as("points_kind"),
                floor(round(col("qualifying_base"), 6)).cast("long").as("points"), col("line_id").as("entry_key"));
        return redeemable.unionByName(qualifying);
    }
}
