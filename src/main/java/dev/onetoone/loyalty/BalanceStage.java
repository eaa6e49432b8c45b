package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Derives points_balance from the ledger: every balance is a sum of ledger entries dated up to the night, so it can
 * always be explained entry by entry and never drifts from the ledger.
 */
public final class BalanceStage {
    private BalanceStage() {
    }

    /**
     * @param entries the ledger (tonight's entries included)
     * @param tiers   customer_id, tier: the current tiers
     */
    public static Dataset<Row> balances(Dataset<Row> entries, Dataset<Row> tiers, LocalDate asOf, int tierWindowDays) {
        Date night = Date.valueOf(asOf);
        Column redeemable = col("points_kind").equalTo(EarningRule.REDEEMABLE);
        Column inWindow = col("entry_date").gt(date_sub(lit(night), tierWindowDays));
        Dataset<Row> sums = entries.where(col("entry_date").leq(lit(night))).groupBy("customer_id").agg(
                sum(when(col("bucket").equalTo(Ledger.AVAILABLE), col("points")).otherwise(0L)).as("available"),
                sum(when(col("bucket").equalTo(Ledger.PENDING), col("points")).otherwise(0L)).as("pending"),
                sum(when(col("bucket").equalTo(Ledger.QUALIFYING).and(inWindow), col("points")).otherwise(0L)).as("qualifying"),
                sum(when(col("entry_type").equalTo(Ledger.EARN).and(redeemable), col("points")).otherwise(0L)).as("lifetime_earned"),
                sum(when(col("entry_type").equalTo(Ledger.REDEEM), col("points").multiply(-1)).otherwise(0L)).as("lifetime_redeemed"),
                sum(when(col("entry_type").equalTo(Ledger.EXPIRE), col("points").multiply(-1)).otherwise(0L)).as("lifetime_expired"),
                max(when(col("entry_type").equalTo(Ledger.EARN).and(redeemable), col("entry_date"))).as("last_earn_date"),
                max(when(col("entry_type").equalTo(Ledger.REDEEM), col("entry_date"))).as("last_burn_date"));
        return sums.join(tiers.select("customer_id", "tier"), new String[] {"customer_id"}, "left")
                .select(lit(night).as("as_of"), col("customer_id"), coalesce(col("available"), lit(0L)).as("available"),
                        coalesce(col("pending"), lit(0L)).as("pending"), coalesce(col("qualifying"), lit(0L)).as("qualifying"),
                        col("lifetime_earned"), col("lifetime_redeemed"), col("lifetime_expired"), col("last_earn_date"), col("last_burn_date"),
                        datediff(lit(night), col("last_earn_date")).as("days_since_last_earn"),
                        datediff(lit(night), col("last_burn_date")).as("days_since_last_burn"), col("tier"));
    }
}
