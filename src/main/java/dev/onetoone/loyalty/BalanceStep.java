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
 *
 * <p>Two ways to the same sums. {@link #sums} adds up every entry (the first night, and every rebuild). {@link #fold}
 * starts from the previous night's balances and adds the entries written since: available, pending and the
 * lifetime figures are plain sums, so they add; the last earn and burn days are maxima, so they take the larger;
 * and qualifying, a sum over the tier window (night - tier.window-days, night], also subtracts the qualifying entries
 * that were inside the previous night's window and are outside tonight's. The fold is exact when the previous
 * balances were derived from the ledger as it stood just before tonight's entries were added.
 */
public final class BalanceStep {
    /** Columns of {@link #sums} and {@link #fold}: the balance figures that come from the ledger alone. */
    private static final String[] FIGURES = {"available", "pending", "qualifying", "lifetime_earned", "lifetime_redeemed",
            "lifetime_expired", "last_earn_date", "last_burn_date"};

    private BalanceStep() {
    }

    /**
     * @param entries the ledger (tonight's entries included)
     * @param tiers   customer_id, tier: the current tiers
     */
    public static Dataset<Row> balances(Dataset<Row> entries, Dataset<Row> tiers, LocalDate asOf, int tierWindowDays) {
        return withTiers(sums(entries, asOf, tierWindowDays), tiers, asOf);
    }

    /** Each member's figures (customer_id and {@link #FIGURES}) summed over every entry dated up to the night. */
    public static Dataset<Row> sums(Dataset<Row> entries, LocalDate asOf, int tierWindowDays) {
        Date night = Date.valueOf(asOf);
        Column redeemable = col("points_kind").equalTo(EarningRule.REDEEMABLE);
        Column inWindow = col("entry_date").gt(date_sub(lit(night), tierWindowDays));
        return entries.where(col("entry_date").leq(lit(night))).groupBy("customer_id").agg(
                sum(when(col("bucket").equalTo(Ledger.AVAILABLE), col("points")).otherwise(0L)).as("available"),
                sum(when(col("bucket").equalTo(Ledger.PENDING), col("points")).otherwise(0L)).as("pending"),
                sum(when(col("bucket").equalTo(Ledger.QUALIFYING).and(inWindow), col("points")).otherwise(0L)).as("qualifying"),
                sum(when(col("entry_type").equalTo(Ledger.EARN).and(redeemable), col("points")).otherwise(0L)).as("lifetime_earned"),
                sum(when(col("entry_type").equalTo(Ledger.REDEEM), col("points").multiply(-1)).otherwise(0L)).as("lifetime_redeemed"),
                sum(when(col("entry_type").equalTo(Ledger.EXPIRE), col("points").multiply(-1)).otherwise(0L)).as("lifetime_expired"),
                max(when(col("entry_type").equalTo(Ledger.EARN).and(redeemable), col("entry_date"))).as("last_earn_date"),
                max(when(col("entry_type").equalTo(Ledger.REDEEM), col("entry_date"))).as("last_burn_date"));
    }

    /**
     * The figures of {@link #sums} for the night, folded from the previous night's.
     *
     * @param previous      points_balance as of {@code previousNight}, derived from the ledger as it stood before the
     *                      new entries were added; {@code previousNight} may be the night itself (a rerun)
     * @param newEntries    the ledger entries added since (tonight's); none is dated after the night it is written
     * @param ledger        the ledger, with or without the new entries: only its qualifying entries that leave the
     *                      tier window tonight are read (a filter on entry_date), less the new ones
     */
    public static Dataset<Row> fold(Dataset<Row> previous, LocalDate previousNight, Dataset<Row> newEntries, Dataset<Row> ledger,
            LocalDate asOf, int tierWindowDays) {
        if (previousNight.isAfter(asOf)) {
            throw new IllegalArgumentException("balances of " + previousNight + " cannot be folded forward to " + asOf);
        }
        // In the previous window, (previous - W, previous], and not in tonight's, (night - W, night].
        Date leftFrom = Date.valueOf(previousNight.minusDays(tierWindowDays));
        Date leftTo = Date.valueOf(asOf.minusDays(tierWindowDays));
        Dataset<Row> leaving = ledger.where(col("bucket").equalTo(Ledger.QUALIFYING)
                        .and(col("entry_date").gt(lit(leftFrom))).and(col("entry_date").leq(lit(leftTo))))
                .join(newEntries.select("entry_id"), new String[] {"entry_id"}, "left_anti")
                .groupBy("customer_id").agg(sum(col("points")).multiply(-1).as("qualifying"))
                .select(col("customer_id"), lit(0L).as("available"), lit(0L).as("pending"), col("qualifying"), lit(0L).as("lifetime_earned"),
                        lit(0L).as("lifetime_redeemed"), lit(0L).as("lifetime_expired"), lit(null).cast("date").as("last_earn_date"),
                        lit(null).cast("date").as("last_burn_date"));
        Dataset<Row> parts = previous.select("customer_id", FIGURES)
                .unionByName(sums(newEntries, asOf, tierWindowDays))
                .unionByName(leaving);
        return parts.groupBy("customer_id").agg(
                sum("available").as("available"), sum("pending").as("pending"), sum("qualifying").as("qualifying"),
                sum("lifetime_earned").as("lifetime_earned"), sum("lifetime_redeemed").as("lifetime_redeemed"),
                sum("lifetime_expired").as("lifetime_expired"), max("last_earn_date").as("last_earn_date"),
                max("last_burn_date").as("last_burn_date"));
    }

    /** points_balance rows from the figures of {@link #sums} or {@link #fold} and the current tiers (customer_id, tier). */
    public static Dataset<Row> withTiers(Dataset<Row> figures, Dataset<Row> tiers, LocalDate asOf) {
        Date night = Date.valueOf(asOf);
        return figures.join(tiers.select("customer_id", "tier"), new String[] {"customer_id"}, "left")
                .select(lit(night).as("as_of"), col("customer_id"), coalesce(col("available"), lit(0L)).as("available"),
                        coalesce(col("pending"), lit(0L)).as("pending"), coalesce(col("qualifying"), lit(0L)).as("qualifying"),
                        col("lifetime_earned"), col("lifetime_redeemed"), col("lifetime_expired"), col("last_earn_date"), col("last_burn_date"),
                        datediff(lit(night), col("last_earn_date")).as("days_since_last_earn"),
                        datediff(lit(night), col("last_burn_date")).as("days_since_last_burn"), col("tier"));
    }
}
