package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Bonus-points offers: when a line redeems a bonus_points offer of the offers table (its offer_id, by the customer
 * it was made to), the offer's bonus_points are earned once per offer, on the offer's first line. No settings.
 */
final class OfferBonusRule implements EarningRule {
    @Override
    public Dataset<Row> earn(EarningInputs inputs) {
        Dataset<Row> bonusOffers = inputs.offers().where(col("offer_form").equalTo("bonus_points").and(col("bonus_points").gt(0)))
                .select(col("offer_id"), col("customer_id"), col("bonus_points"));
        Dataset<Row> redeemed = inputs.lines().where(col("offer_id").isNotNull())
                .join(bonusOffers, new String[] {"offer_id", "customer_id"})
                .withColumn("first", row_number().over(Window.partitionBy("offer_id").orderBy(col("purchase_date"), col("line_id"))))
                .where(col("first").equalTo(1));
        return redeemed.select(col("customer_id"), col("line_id").as("source_id"), col("purchase_date").as("source_date"),
                col("transaction_key"), lit(REDEEMABLE).as("points_kind"), col("bonus_points").cast("long").as("points"),
                col("offer_id").as("entry_key"));
    }
}
