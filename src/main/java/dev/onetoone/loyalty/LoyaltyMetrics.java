package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The programme's figures for one day. Every figure is an aggregate; only single rows (and one row per tier) reach
 * the driver.
 *
 * <p>Breakage, the share of outstanding points that will never be redeemed, is estimated from the members' own
 * history: of the points that have left balances, the share that left by expiring rather than by redemption,
 * E / (E + R). Early in a programme few points have expired or been redeemed, so the estimate is shrunk towards a
 * prior breakage b0 with a weight of w points (a Beta prior, liability.prior-breakage and
 * liability.prior-weight-points): breakage = (E + w b0) / (E + R + w). The net liability is the outstanding points
 * (available plus pending) times the point value times (1 - breakage).
 */
public final class LoyaltyMetrics {
    /** Inputs of the day's row. */
    public record Inputs(Dataset<Row> ledger, Dataset<Row> balances, Dataset<Row> memberTier, Dataset<Row> referrals,
            Dataset<Row> referredPurchases) {
    }

    private LoyaltyMetrics() {
    }

    public static Dataset<Row> compute(SparkSession spark, StructType schema, Inputs inputs, LoyaltyConfig config, double pointValue,
            LocalDate asOf, String runId) {
        Date night = Date.valueOf(asOf);
        Column today = col("entry_date").equalTo(lit(night));
        Row day = inputs.ledger().where(col("entry_date").leq(lit(night))).agg(
                sum(when(today.and(col("entry_type").equalTo(Ledger.EARN)).and(col("points_kind").equalTo(EarningRule.REDEEMABLE)), col("points")).otherwise(0L)),
                sum(when(today.and(col("entry_type").equalTo(Ledger.REDEEM)), col("points").multiply(-1)).otherwise(0L)),
                sum(when(today.and(col("entry_type").equalTo(Ledger.EXPIRE)), col("points").multiply(-1)).otherwise(0L))).first();
        Row balances = inputs.balances().agg(count(lit(1)),
                sum(when(col("days_since_last_earn").leq(config.activeDays()).or(col("days_since_last_burn").leq(config.activeDays())), 1L).otherwise(0L)),
                sum(col("available").plus(col("pending"))), sum("lifetime_earned"), sum("lifetime_redeemed"), sum("lifetime_expired")).first();
        long members = balances.getLong(0);
        long active = longOf(balances, 1);
        long outstanding = longOf(balances, 2);
        long earnedEver = longOf(balances, 3);
        long redeemedEver = longOf(balances, 4);
        long expiredEver = longOf(balances, 5);
        double weight = config.priorWeightPoints();
        double denominator = expiredEver + redeemedEver + weight;
        double breakage = denominator > 0 ? (expiredEver + weight * config.priorBreakage()) / denominator : config.priorBreakage();
        double gross = outstanding * pointValue;

        Map<String, Long> tiers = new TreeMap<>();
        for (Row row : inputs.balances().groupBy(coalesce(col("tier"), lit("none"))).count().collectAsList()) {
            tiers.put(row.getString(0), row.getLong(1));
        }
        Row movements = inputs.memberTier().where(col("valid_from").equalTo(lit(night))).agg(
                sum(when(col("change").equalTo("upgrade"), 1L).otherwise(0L)),
                sum(when(col("change").equalTo("downgrade"), 1L).otherwise(0L))).first();
        Dataset<Row> accepted = inputs.referrals().where(col("referral_date").leq(lit(night)));
        long referrals = accepted.count();
        long conversions = accepted.join(inputs.referredPurchases().select(col("customer_id").as("referred_id"), col("purchase_date")), "referred_id")
                .where(col("purchase_date").geq(col("referral_date")).and(col("purchase_date").leq(lit(night))))
                .select("referred_id").distinct().count();
        Row row = RowFactory.create(night, members, active, longOf(day, 0), longOf(day, 1), longOf(day, 2), outstanding, pointValue,
                breakage, gross, gross * (1 - breakage), earnedEver > 0 ? (double) redeemedEver / earnedEver : 0.0,
                tiers, longOf(movements, 0), longOf(movements, 1), referrals, conversions, runId);
        return spark.createDataFrame(List.of(row), schema);
    }

    private static long longOf(Row row, int index) {
        return row.isNullAt(index) ? 0L : ((Number) row.get(index)).longValue();
    }
}
