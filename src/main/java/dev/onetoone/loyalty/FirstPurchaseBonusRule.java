package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** First-purchase bonus: fixed points on a member's first purchase line ever, once per member. Setting: {@code points}. */
final class FirstPurchaseBonusRule implements EarningRule {
    private final long points;

    FirstPurchaseBonusRule(long points) {
        this.points = points;
    }

    @Override
    public Dataset<Row> earn(EarningInputs inputs) {
        return inputs.lines().join(inputs.firstLines(), new String[] {"customer_id", "line_id"})
                .select(col("customer_id"), col("line_id").as("source_id"), col("purchase_date").as("source_date"),
                        col("transaction_key"), lit(REDEEMABLE).as("points_kind"), lit(points).as("points"),
                        col("customer_id").as("entry_key"));
    }
}
