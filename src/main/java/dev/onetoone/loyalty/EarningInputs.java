package dev.onetoone.loyalty;

import java.time.LocalDate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What an earning rule may read.
 *
 * @param lines      the night's purchase lines not earned yet: line_id, transaction_key, customer_id,
 *                   purchase_date, product_id, category, amount (double), offer_id, base_points (amount times
 *                   earning.points-per-unit, unrounded) and qualifying_base (amount times
 *                   earning.qualifying-per-unit)
 * @param firstLines each member's first purchase line ever: customer_id, line_id (members whose first line is
 *                   among {@code lines}, or earlier)
 * @param customers  customer_id, birth_date
 * @param offers     offer_id, customer_id, offer_form, bonus_points: every offer decided so far
 * @param tiers      customer_id, tier: each member's tier before tonight's review
 * @param asOf       the night
 */
public record EarningInputs(Dataset<Row> lines, Dataset<Row> firstLines, Dataset<Row> customers, Dataset<Row> offers,
        Dataset<Row> tiers, LocalDate asOf) {
}
