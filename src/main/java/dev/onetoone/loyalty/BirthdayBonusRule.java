package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.year;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Birthday bonus: fixed points on a member's first purchase line in the month of their birthday
 * (customers.birth_date), once per member and year. Setting: {@code points}.
 */
final class BirthdayBonusRule implements EarningRule {
    private final long points;

    BirthdayBonusRule(long points) {
        this.points = points;
    }

    @Override
    public Dataset<Row> earn(EarningInputs inputs) {
        Dataset<Row> inMonth = inputs.lines().join(inputs.customers().select("customer_id", "birth_date"), "customer_id")
                .where(col("birth_date").isNotNull().and(month(col("birth_date")).equalTo(month(col("purchase_date")))))
                .withColumn("first", row_number().over(Window.partitionBy(col("customer_id"), year(col("purchase_date")))
                        .orderBy(col("purchase_date"), col("line_id"))))
                .where(col("first").equalTo(1));
        return inMonth.select(col("customer_id"), col("line_id").as("source_id"), col("purchase_date").as("source_date"),
                col("transaction_key"), lit(REDEEMABLE).as("points_kind"), lit(points).as("points"),
                concat_ws("|", col("customer_id"), year(col("purchase_date")).cast("string")).as("entry_key"));
    }
}
