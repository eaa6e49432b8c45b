package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * One night of the points ledger, in order: earn (the rules, on purchase lines not earned yet), reverse (returns),
 * release (return windows that closed), referral bonuses, redemptions, then first-in-first-out expiry. Each step
 * sees the ledger plus the entries of the steps before it. Only entries whose id is not in the ledger yet are
 * returned, so running a night twice adds nothing.
 *
 * <p>What it reads: the purchase lines dated from points.late-arrival-days before the latest day already earned up
 * to the night (all lines on the first night), the lines of the members those lines and the night's returns touch
 * (first purchase, the purchase a return matches), and the ledger, which is the programme's state.
 */
public final class LoyaltyNight {
    private final LoyaltyConfig config;
    private final String runId;
    private final Timestamp now;

    public LoyaltyNight(LoyaltyConfig config, String runId, Timestamp now) {
        this.config = config;
        this.runId = runId;
        this.now = now;
    }

    /**
     * @param transactions the transactions table
     * @param ledger       points_ledger
     * @param memberTier   member_tier
     * @param customers    customers (customer_id, birth_date)
     * @param offers       offers (offer_id, customer_id, offer_form, bonus_points)
     * @param referrals    the referrals table
     * @param redemptions  clean typed rows of {@link EventInputs#redemptions}, if a redemptions file came tonight
     * @param referralRows typed rows of {@link EventInputs#referrals} (with their row-level reasons), if any
     */
    public record Inputs(Dataset<Row> transactions, Dataset<Row> ledger, Dataset<Row> memberTier, Dataset<Row> customers,
            Dataset<Row> offers, Dataset<Row> referrals, Optional<Dataset<Row>> redemptions, Optional<Dataset<Row>> referralRows) {
    }

    /**
     * @param entries            new ledger entries (finished rows)
     * @param rejectedRedemptions redemptions refused tonight (over_balance, future_date), with reason_codes and raw_record
     * @param acceptedReferrals  referrals accepted tonight (referrals columns less run_id, accepted_at)
     * @param rejectedReferrals  referrals refused tonight, with reason_codes and raw_record
     * @param unmatchedReturns   return lines of tonight that match no earlier purchase, so reverse nothing
     */
    public record Result(Dataset<Row> entries, Dataset<Row> rejectedRedemptions, Dataset<Row> acceptedReferrals,
            Dataset<Row> rejectedReferrals, long unmatchedReturns) {
    }

    public Result run(Inputs inputs, LocalDate asOf) {
        Date night = Date.valueOf(asOf);
        Dataset<Row> ledger = inputs.ledger();
        // The ledger names its source lines as text: the binary line key as lower-case hex.
        Dataset<Row> upToNight = inputs.transactions().where(col("purchase_date").leq(lit(night)))
                .withColumn("line_id", lower(hex(col("line_id"))));
        Row latest = ledger.where(col("entry_type").equalTo(Ledger.EARN).and(col("rule").notEqual("referral_bonus")))
                .agg(max("source_date")).first();
        Dataset<Row> lines = latest.isNullAt(0) ? upToNight
                : upToNight.where(col("purchase_date").gt(date_sub(lit(latest.getDate(0)), config.lateArrivalDays())));
        lines = lines.localCheckpoint(true);
        Dataset<Row> purchasesOf = upToNight.where(col("is_return").equalTo(false).and(col("amount").gt(0)));
        Dataset<Row> purchases = lines.where(col("is_return").equalTo(false).and(col("amount").gt(0)));
        Dataset<Row> returns = lines.where(col("is_return").and(col("quantity").lt(0)));

        // Earn.
        Dataset<Row> touched = purchases.select("customer_id").distinct();
        Dataset<Row> firstLines = purchasesOf.join(touched, "customer_id")
                .withColumn("first", row_number().over(Window.partitionBy("customer_id").orderBy(col("ts"), col("line_id"))))
                .where(col("first").equalTo(1)).select("customer_id", "line_id");
        Dataset<Row> earnLines = purchases.select(col("line_id"),
                coalesce(col("transaction_id"), concat_ws("|", col("customer_id"), col("purchase_date").cast("string"))).as("transaction_key"),
                col("customer_id"), col("purchase_date"), col("product_id"), col("category"), col("amount").cast("double").as("amount"),
                col("offer_id"),
                col("amount").cast("double").multiply(config.pointsPerUnit()).as("base_points"),
                col("amount").cast("double").multiply(config.qualifyingPerUnit()).as("qualifying_base"));
        // The tier held before tonight's review: rows opened tonight (valid_from = night) are left out and the row they
        // closed (valid_to = night - 1) still counts, so rerunning a night earns with the tiers of its first run.
        Dataset<Row> tiers = inputs.memberTier().where(col("valid_from").lt(lit(night))
                .and(col("valid_to").isNull().or(col("valid_to").geq(date_sub(lit(night), 1))))).select("customer_id", "tier");
        var earningInputs = new EarningInputs(earnLines, firstLines, inputs.customers().select("customer_id", "birth_date"),
                inputs.offers().select("offer_id", "customer_id", "offer_form", "bonus_points"), tiers, asOf);
        Dataset<Row> earned = fresh(new EarningStage(config).earn(earningInputs), ledger);

        // Reverse.
        Dataset<Row> returnCustomers = returns.select("customer_id").distinct();
        Dataset<Row> matched = ReturnReversals.match(returns, purchasesOf.join(returnCustomers, "customer_id")).localCheckpoint(true);
        long unmatched = matched.where(col("original_line_id").isNull()).count();
        Dataset<Row> earnAll = ledger.where(col("entry_type").equalTo(Ledger.EARN)).unionByName(earned);
        Dataset<Row> released = ledger.where(col("entry_type").equalTo(Ledger.HOLD_RELEASE));
        Dataset<Row> reversed = fresh(new ReturnReversals(config.returnWindowDays()).reverse(matched, earnAll, released), ledger);

        // Release.
        Dataset<Row> reversalsAll = ledger.where(col("entry_type").equalTo(Ledger.REVERSE)).unionByName(reversed);
        Dataset<Row> releases = fresh(new HoldReleases(config.returnWindowDays()).release(earnAll, reversalsAll, released, asOf), ledger);

        // Referrals.
        var referralStage = new ReferralStage(config);
        Dataset<Row> acceptedNow = inputs.referrals().limit(0).select("referred_id", "referrer_id", "referral_date", "referral_code")
                .withColumn("first_purchase_discount_percent", lit(0.0));
        Dataset<Row> rejectedReferrals = null;
        if (inputs.referralRows().isPresent()) {
            Dataset<Row> typed = inputs.referralRows().get();
            Dataset<Row> referred = typed.select(col("referred_id").as("customer_id")).where(col("customer_id").isNotNull()).distinct();
            var validated = referralStage.validate(typed, inputs.referrals(), purchasesOf.join(referred, "customer_id").select("customer_id", "purchase_date"));
            acceptedNow = validated.accepted().localCheckpoint(true);
            rejectedReferrals = validated.rejected().localCheckpoint(true);
        }
        Dataset<Row> allReferrals = inputs.referrals().select("referred_id", "referrer_id", "referral_date")
                .unionByName(acceptedNow.select("referred_id", "referrer_id", "referral_date"));
        Dataset<Row> referredLines = upToNight.join(allReferrals.select(col("referred_id").as("customer_id")), "customer_id")
                .select("customer_id", "purchase_date", "product_id", "amount", "is_return");
        Dataset<Row> bonuses = fresh(referralStage.bonuses(allReferrals, referredLines, asOf), ledger);

        // Redeem.
        Dataset<Row> soFar = ledger.unionByName(earned).unionByName(reversed).unionByName(releases).unionByName(bonuses);
        Dataset<Row> redeemed = soFar.limit(0);
        Dataset<Row> rejectedRedemptions = null;
        if (inputs.redemptions().isPresent()) {
            var applied = RedemptionStage.apply(inputs.redemptions().get(), soFar, asOf);
            redeemed = fresh(applied.entries(), ledger);
            rejectedRedemptions = applied.rejected().localCheckpoint(true);
        }

        // Expire.
        Dataset<Row> expired = fresh(new FifoExpiry(config.expiryDays()).expire(soFar.unionByName(redeemed), asOf), ledger);

        Dataset<Row> entries = earned.unionByName(reversed).unionByName(releases).unionByName(bonuses).unionByName(redeemed).unionByName(expired);
        return new Result(entries, rejectedRedemptions, acceptedNow, rejectedReferrals, unmatched);
    }

    /** Finished entries whose id the ledger does not hold yet, persisted so later steps see the same rows. */
    private Dataset<Row> fresh(Dataset<Row> drafts, Dataset<Row> ledger) {
        // Checkpointed: the later steps build on these rows, and without it their plans (and their analysis) would
        // grow with every step.
        return Ledger.finish(drafts, runId, now).join(ledger.select("entry_id"), new String[] {"entry_id"}, "left_anti")
                .dropDuplicates("entry_id")
                .localCheckpoint(true);
    }
}
