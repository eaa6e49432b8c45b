package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Referrals: which are accepted, and when the referrer earns the bonus.
 *
 * <p>A referral is quarantined as self_referral (referrer and referred are the same), duplicate_referral (the
 * referred customer has an accepted referral already, or an earlier one in the same file), referred_already_customer
 * (the referred customer bought before the referral date) or referral_loop (the referred customer is the referrer's
 * referrer, directly or up a chain of at most referral.max-chain-depth referrals, counting only referrals accepted
 * before or listed earlier in the file). An accepted referral gives the referred customer the first-purchase
 * discount (referrals.first_purchase_discount_percent, for the till to apply) and, once the referred customer's
 * first purchase day has cleared the return window with a positive net amount, gives the referrer
 * referral.referrer-points available points, once.
 */
public final class ReferralStep {
    private final LoyaltyConfig config;

    public ReferralStep(LoyaltyConfig config) {
        this.config = config;
    }

    /** Accepted rows (referrals columns less run_id, accepted_at) and rejected rows with their reason codes. */
    public record Result(Dataset<Row> accepted, Dataset<Row> rejected) {
    }

    /**
     * @param typed     output of {@link EventInputs#referrals}
     * @param accepted  the referrals table
     * @param purchases purchase lines (not returns): customer_id, purchase_date
     */
    public Result validate(Dataset<Row> input, Dataset<Row> accepted, Dataset<Row> purchases) {
        // A referral accepted by an earlier run (same referrer, referred and date) is already loaded: rerunning a night
        // with the same file neither accepts it again nor quarantines it as a duplicate.
        Dataset<Row> loaded = accepted.select(col("referred_id").as("loaded_referred"), col("referrer_id").as("loaded_referrer"),
                col("referral_date").as("loaded_date"));
        Dataset<Row> typed = input.join(loaded, col("referred_id").equalTo(col("loaded_referred"))
                .and(col("referrer_id").equalTo(col("loaded_referrer"))).and(col("referral_date").equalTo(col("loaded_date"))), "left_anti");
        Column order = struct(lit(1).as("batch"), col("referral_date"), coalesce(col("referral_code"), lit("")).as("code"),
                col("referrer_id"), col("referred_id"));
        Dataset<Row> known = accepted.select(col("referred_id").as("known_referred")).distinct();
        Dataset<Row> firstPurchase = purchases.groupBy(col("customer_id").as("bought_id")).agg(min("purchase_date").as("first_bought"));
        Dataset<Row> checked = typed.withColumn("ordinal", order)
                .join(known, col("referred_id").equalTo(col("known_referred")), "left")
                .join(firstPurchase, col("referred_id").equalTo(col("bought_id")), "left")
                .withColumn("batch_rank", row_number().over(Window.partitionBy("referred_id").orderBy("ordinal")))
                .withColumn("reason_codes", array_union(col("reason_codes"), codes(
                        col("known_referred").isNotNull().or(col("batch_rank").gt(1).and(col("referred_id").isNotNull())), "duplicate_referral",
                        col("first_bought").lt(col("referral_date")), "referred_already_customer")))
                .drop("known_referred", "bought_id", "first_bought", "batch_rank")
                .localCheckpoint(true);
        Dataset<Row> candidates = checked.where(EventInputs.clean());
        Dataset<Row> edges = accepted.select(col("referrer_id").as("parent_referrer"), col("referred_id").as("parent_referred"),
                        struct(lit(0).as("batch"), col("referral_date"), coalesce(col("referral_code"), lit("")).as("code"),
                                col("referrer_id"), col("referred_id")).as("parent_ordinal"))
                .unionByName(candidates.select(col("referrer_id").as("parent_referrer"), col("referred_id").as("parent_referred"),
                        col("ordinal").as("parent_ordinal"))).localCheckpoint(true);
        Dataset<Row> walk = walkUpChains(candidates.select(col("referred_id").as("walk_id"), col("ordinal").as("walk_ordinal"),
                col("referrer_id").as("current"), lit(false).as("loop")), edges);
        Dataset<Row> judged = checked.join(walk, col("referred_id").equalTo(col("walk_id")).and(EventInputs.clean()), "left")
                .withColumn("reason_codes", array_union(col("reason_codes"), codes(coalesce(col("loop"), lit(false)), "referral_loop")))
                .drop("walk_id", "loop", "ordinal");
        Dataset<Row> acceptedNow = judged.where(EventInputs.clean()).select(col("referred_id"), col("referrer_id"), col("referral_date"),
                col("referral_code"), lit(config.referralDiscountPercent()).as("first_purchase_discount_percent"));
        return new Result(acceptedNow, judged.where(EventInputs.clean().unary_$bang()));
    }

    /**
     * Follows each candidate's chain of referrers up to referral.max-chain-depth steps: loop is true when the chain
     * reaches the referred customer (walk_id). A walk settles when it has found a loop or its chain has no earlier
     * referrer; only the unsettled walks take the next step, and the steps stop when none is left, so a night whose
     * chains are short takes as many steps as its longest chain, not the maximum depth.
     *
     * @param walk  walk_id, walk_ordinal, current (the referrer to look at next), loop
     * @param edges parent_referrer, parent_referred, parent_ordinal of every accepted and candidate referral
     * @return walk_id, loop
     */
    private Dataset<Row> walkUpChains(Dataset<Row> walk, Dataset<Row> edges) {
        Column reachedStart = col("loop").or(coalesce(col("current").equalTo(col("walk_id")), lit(false)));
        Column settled = col("loop").or(col("current").isNull());
        Dataset<Row> done = walk.limit(0).select(col("walk_id"), col("loop"));
        for (int depth = 0; depth < config.maxChainDepth(); depth++) {
            Dataset<Row> checked = walk.withColumn("loop", reachedStart);
            done = done.unionByName(checked.where(settled).select(col("walk_id"), col("loop")));
            walk = checked.where(settled.unary_$bang())
                    .join(edges, col("current").equalTo(col("parent_referred")).and(col("parent_ordinal").lt(col("walk_ordinal"))), "left")
                    .select(col("walk_id"), col("walk_ordinal"), col("parent_referrer").as("current"), col("loop")).localCheckpoint(true);
            if (walk.isEmpty()) {
                return done;
            }
        }
        return done.unionByName(walk.withColumn("loop", reachedStart).select(col("walk_id"), col("loop")));
    }

    /**
     * Draft referral bonus entries for the referrers whose referred customer's first purchase day cleared the return
     * window by the night with a positive net amount (its lines plus the returns of its products inside the window).
     *
     * @param referrals all accepted referrals
     * @param lines     the referred customers' lines: customer_id, purchase_date, product_id, amount, is_return
     */
    public Dataset<Row> bonuses(Dataset<Row> referrals, Dataset<Row> lines, LocalDate asOf) {
        int window = config.returnWindowDays();
        Dataset<Row> first = lines.where(col("is_return").equalTo(false))
                .join(referrals.select(col("referred_id").as("customer_id"), col("referral_date")), "customer_id")
                .where(col("purchase_date").geq(col("referral_date")))
                .groupBy("customer_id").agg(min("purchase_date").as("first_day"));
        Dataset<Row> firstProducts = lines.where(col("is_return").equalTo(false)).join(first, "customer_id")
                .where(col("purchase_date").equalTo(col("first_day"))).select("customer_id", "product_id").distinct();
        Dataset<Row> bought = lines.where(col("is_return").equalTo(false)).join(first, "customer_id")
                .where(col("purchase_date").equalTo(col("first_day"))).groupBy("customer_id", "first_day").agg(sum("amount").as("spent"));
        Dataset<Row> returned = lines.where(col("is_return")).join(first, "customer_id")
                .where(col("purchase_date").geq(col("first_day")).and(col("purchase_date").lt(date_add(col("first_day"), window))))
                .join(firstProducts, new String[] {"customer_id", "product_id"})
                .groupBy("customer_id").agg(sum("amount").as("returned"));
        Dataset<Row> cleared = bought.join(returned, new String[] {"customer_id"}, "left")
                .where(col("spent").plus(coalesce(col("returned"), lit(0))).gt(0)
                        .and(date_add(col("first_day"), window).leq(lit(Date.valueOf(asOf)))))
                .join(referrals.select(col("referred_id").as("customer_id"), col("referrer_id")), "customer_id")
                .withColumn("cleared_on", date_add(col("first_day"), window));
        return cleared.select(draftColumns(lit(config.referrerPoints()))).where(col("points").gt(0));
    }

    private static Column[] draftColumns(Column points) {
        return new Column[] {col("referrer_id").as("customer_id"), lit(Ledger.EARN).as("entry_type"), lit(EarningRule.REDEEMABLE).as("points_kind"),
                lit(Ledger.AVAILABLE).as("bucket"), points.as("points"), col("cleared_on").as("entry_date"),
                col("customer_id").as("source_id"), col("cleared_on").as("source_date"), lit(null).cast("string").as("related_entry_id"),
                lit("referral_bonus").as("rule"), col("customer_id").as("id_key")};
    }

    private static Column codes(Column first, String firstCode, Column second, String secondCode) {
        return org.apache.spark.sql.functions.array_compact(array(when(coalesce(first, lit(false)), lit(firstCode)),
                when(coalesce(second, lit(false)), lit(secondCode))));
    }

    private static Column codes(Column condition, String code) {
        return org.apache.spark.sql.functions.array_compact(array(when(condition, lit(code))));
    }
}
