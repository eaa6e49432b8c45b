package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

import dev.onetoone.io.JobDescription;
import dev.onetoone.io.SparkSessions;

/**
 * One night of the points ledger, in order: earn (the rules, on purchase lines not earned yet), reverse (returns),
 * release (return windows that closed), referral bonuses, redemptions, then first-in-first-out expiry. Each step
 * sees the ledger plus the entries of the steps before it. Only entries whose id is not in the ledger yet are
 * returned, so running a night twice adds nothing.
 *
 * <p>What it reads: the purchase lines dated from points.late-arrival-days before the latest day already earned up
 * to the night (all lines on the first night); after a previous night whose start is known, only those of the members
 * with a line that night could not have seen (see {@link #ofMembersWithUnseenLines}). Then the lines of the members
 * those lines and the night's returns touch (the first purchase, of only the members who can be buying for the first
 * time when customer_state is given, see {@link #firstLines}; the purchase a return matches, at any distance in the
 * past), and the ledger, which is the programme's state.
 *
 * <p>Which ledger rows it reads. Every step works member by member (caps, matches, releases, bonuses, redemptions and
 * expiry are all per member), and an entry id names its member through its source (line, earn entry, redemption,
 * referred customer, member), so a night that knows which members can get an entry needs only their ledger rows.
 * When the previous night is given (the night whose balances were derived from the ledger as it stands, see
 * {@link Inputs#previousNight}), those members are: the members of the night's lines (purchases and returns, late
 * arrivals included; only the members with unseen lines when the previous night's start is known), of its
 * redemptions, the referrers whose bonus is due, the members with pending earn entries whose return window closed
 * after the previous night, and the members with available points lots whose expiry day
 * fell after it. The previous night may be the night itself, run before (a rerun): then no release or expiry falls
 * after it, and only the members of recent lines, redemptions and due bonuses are read. Nobody else can get an
 * entry: every release and expiry due by the previous night was made that night, and a member's expiry grows only
 * when a lot expires or the member has new entries (see {@link FifoExpiry}).
 * The night then reads the ledger rows of those members once (a broadcast semi-join, no shuffle of the ledger),
 * and two date-filtered scans to find the members of releases and expiries. Without a previous night (the first
 * night, a backfill, a gap of days, a documented rebuild) it reads the whole ledger; both ways give the same entries.
 * Changing points.return-window-days or points.expiry-days needs a rebuild night, since the previous night's
 * releases and expiries were made with the old settings.
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
     * What a night reads, set by name through {@link #builder()}. The six tables are required; the rest is optional and
     * empty unless set.
     */
    public static final class Inputs {
        private final Dataset<Row> transactions;
        private final Dataset<Row> ledger;
        private final Dataset<Row> memberTier;
        private final Dataset<Row> customers;
        private final Dataset<Row> offers;
        private final Dataset<Row> referrals;
        private final Optional<Dataset<Row>> redemptions;
        private final Optional<Dataset<Row>> referralRows;
        private final Optional<LocalDate> previousNight;
        private final Optional<Timestamp> previousStartedAt;
        private final Optional<Dataset<Row>> firstPurchases;

        private Inputs(Builder builder) {
            this.transactions = required(builder.transactions, "transactions");
            this.ledger = required(builder.ledger, "ledger");
            this.memberTier = required(builder.memberTier, "memberTier");
            this.customers = required(builder.customers, "customers");
            this.offers = required(builder.offers, "offers");
            this.referrals = required(builder.referrals, "referrals");
            this.redemptions = builder.redemptions;
            this.referralRows = builder.referralRows;
            this.previousNight = builder.previousNight;
            this.previousStartedAt = builder.previousStartedAt;
            this.firstPurchases = builder.firstPurchases;
        }

        private static <T> T required(T value, String name) {
            if (value == null) {
                throw new IllegalStateException("LoyaltyNight.Inputs: " + name + " is not set");
            }
            return value;
        }

        public static Builder builder() {
            return new Builder();
        }

        public Dataset<Row> transactions() {
            return transactions;
        }

        public Dataset<Row> ledger() {
            return ledger;
        }

        public Dataset<Row> memberTier() {
            return memberTier;
        }

        public Dataset<Row> customers() {
            return customers;
        }

        public Dataset<Row> offers() {
            return offers;
        }

        public Dataset<Row> referrals() {
            return referrals;
        }

        public Optional<Dataset<Row>> redemptions() {
            return redemptions;
        }

        public Optional<Dataset<Row>> referralRows() {
            return referralRows;
        }

        public Optional<LocalDate> previousNight() {
            return previousNight;
        }

        public Optional<Timestamp> previousStartedAt() {
            return previousStartedAt;
        }

        public Optional<Dataset<Row>> firstPurchases() {
            return firstPurchases;
        }

        /** Named setters for {@link Inputs}. */
        public static final class Builder {
            private Dataset<Row> transactions;
            private Dataset<Row> ledger;
            private Dataset<Row> memberTier;
            private Dataset<Row> customers;
            private Dataset<Row> offers;
            private Dataset<Row> referrals;
            private Optional<Dataset<Row>> redemptions = Optional.empty();
            private Optional<Dataset<Row>> referralRows = Optional.empty();
            private Optional<LocalDate> previousNight = Optional.empty();
            private Optional<Timestamp> previousStartedAt = Optional.empty();
            private Optional<Dataset<Row>> firstPurchases = Optional.empty();

            private Builder() {
            }

            /** The transactions table. */
            public Builder transactions(Dataset<Row> transactions) {
                this.transactions = transactions;
                return this;
            }

            /** points_ledger: the whole table, or persisted rows of it when the night reads it whole. */
            public Builder ledger(Dataset<Row> ledger) {
                this.ledger = ledger;
                return this;
            }

            /** member_tier. */
            public Builder memberTier(Dataset<Row> memberTier) {
                this.memberTier = memberTier;
                return this;
            }

            /** customers (customer_id, birth_date). */
            public Builder customers(Dataset<Row> customers) {
                this.customers = customers;
                return this;
            }

            /** offers (offer_id, customer_id, offer_form, bonus_points). */
            public Builder offers(Dataset<Row> offers) {
                this.offers = offers;
                return this;
            }

            /** The referrals table. */
            public Builder referrals(Dataset<Row> referrals) {
                this.referrals = referrals;
                return this;
            }

            /** Clean typed rows of {@link EventInputs#redemptions}, if a redemptions file came tonight. */
            public Builder redemptions(Optional<Dataset<Row>> redemptions) {
                this.redemptions = redemptions;
                return this;
            }

            /** Typed rows of {@link EventInputs#referrals} (with their row-level reasons), if a referrals file came tonight. */
            public Builder referralRows(Optional<Dataset<Row>> referralRows) {
                this.referralRows = referralRows;
                return this;
            }

            /**
             * The last night run before this one, if the ledger holds exactly what that night and the nights before it
             * wrote (its releases and expiries are made); then only the ledger rows of the members this night can touch
             * are read. Empty: the whole ledger.
             */
            public Builder previousNight(Optional<LocalDate> previousNight) {
                this.previousNight = previousNight;
                return this;
            }

            /**
             * When the run of the previous night started, if known: then only the members with a line that run could
             * not have seen (dated after its night, or ingested since it started) have their late-arrival window's
             * lines read again. Empty: every member with a line in that window.
             */
            public Builder previousStartedAt(Optional<Timestamp> previousStartedAt) {
                this.previousStartedAt = previousStartedAt;
                return this;
            }

            /**
             * Each customer's first purchase day and its spend, from customer_state folded through the night (its
             * customer_id, first_purchase_date and first_day_spend are kept; see {@link LoyaltyNight#firstLines}). Without it the
             * first-purchase bonus reads the history.
             */
            public Builder firstPurchases(Dataset<Row> state) {
                this.firstPurchases = Optional.of(state.select("customer_id", "first_purchase_date", "first_day_spend"));
                return this;
            }

            public Inputs build() {
                return new Inputs(this);
            }
        }
    }

    /**
     * @param entries            new ledger entries (finished rows)
     * @param rejectedRedemptions redemptions refused tonight (over_balance, future_date), with reason_codes and raw_record
     * @param acceptedReferrals  referrals accepted tonight (referrals columns less run_id, accepted_at)
     * @param rejectedReferrals  referrals refused tonight, with reason_codes and raw_record
     * @param unmatchedReturns   return lines of tonight that match no earlier purchase, so reverse nothing
     * @param membersTouched     how many members' ledger rows the night read, or -1 when it read the whole ledger
     */
    public record Result(Dataset<Row> entries, Dataset<Row> rejectedRedemptions, Dataset<Row> acceptedReferrals,
            Dataset<Row> rejectedReferrals, long unmatchedReturns, long membersTouched) {
    }

    public Result run(Inputs inputs, LocalDate asOf) {
        SparkSession spark = SparkSession.active();
        Date night = Date.valueOf(asOf);
        Optional<LocalDate> since = inputs.previousNight().filter(previous -> !previous.isAfter(asOf));
        Dataset<Row> fullLedger = inputs.ledger();
        // The ledger names its source lines as text: the binary line key as lower-case hex.
        Dataset<Row> upToNight = inputs.transactions().where(col("purchase_date").leq(lit(night)))
                .withColumn("line_id", lower(hex(col("line_id"))));
        JobDescription.set(spark, "loyalty", "latest earned day");
        Row latest = latestEarned(fullLedger, since);
        Dataset<Row> lines = latest.isNullAt(0) ? upToNight
                : upToNight.where(col("purchase_date").gt(date_sub(lit(latest.getDate(0)), config.lateArrivalDays())));
        if (since.isPresent() && inputs.previousStartedAt().isPresent()) {
            lines = ofMembersWithUnseenLines(lines, since.get(), inputs.previousStartedAt().get());
        }
        lines = lines.localCheckpoint(true);
        Dataset<Row> purchasesOf = upToNight.where(col("is_return").equalTo(false).and(col("amount").gt(0)));
        Dataset<Row> purchases = lines.where(col("is_return").equalTo(false).and(col("amount").gt(0)));
        Dataset<Row> returns = lines.where(col("is_return").and(col("quantity").lt(0)));

        // Referrals: validated and their bonuses drafted first, from the referrals and the lines alone, so that the
        // referrers whose bonus is due are known before the ledger is read.
        JobDescription.set(spark, "loyalty", "referrals");
        var referralStep = new ReferralStep(config);
        Dataset<Row> acceptedNow = inputs.referrals().limit(0).select("referred_id", "referrer_id", "referral_date", "referral_code")
                .withColumn("first_purchase_discount_percent", lit(0.0));
        Dataset<Row> rejectedReferrals = null;
        if (inputs.referralRows().isPresent()) {
            Dataset<Row> typed = inputs.referralRows().get();
            Dataset<Row> referred = typed.select(col("referred_id").as("customer_id")).where(col("customer_id").isNotNull()).distinct();
            var validated = referralStep.validate(typed, inputs.referrals(), purchasesOf.join(referred, "customer_id").select("customer_id", "purchase_date"));
            acceptedNow = validated.accepted().localCheckpoint(true);
            rejectedReferrals = validated.rejected().localCheckpoint(true);
        }
        Dataset<Row> allReferrals = inputs.referrals().select("referred_id", "referrer_id", "referral_date")
                .unionByName(acceptedNow.select("referred_id", "referrer_id", "referral_date"));
        Dataset<Row> referredLines = upToNight.join(allReferrals.select(col("referred_id").as("customer_id")), "customer_id")
                .select("customer_id", "purchase_date", "product_id", "amount", "is_return");
        Dataset<Row> bonusDrafts = referralStep.bonuses(allReferrals, referredLines, asOf).localCheckpoint(true);

        Dataset<Row> ledger = fullLedger;
        long membersTouched = -1;
        if (since.isPresent()) {
            JobDescription.set(spark, "loyalty", "ledger rows of the members tonight touches");
            Dataset<Row> members = touchedMembers(fullLedger, lines, inputs.redemptions(), bonusDrafts, since.get(), asOf);
            membersTouched = members.count();
            ledger = ofTouchedMembers(fullLedger, members);
        }
        Dataset<Row> heldIds = heldIds(ledger);

        // Earn.
        JobDescription.set(spark, "loyalty", "earn");
        Dataset<Row> firstLines = firstLines(purchases, purchasesOf, inputs.firstPurchases());
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
        Dataset<Row> earned = fresh(new EarningStep(config).earn(earningInputs), heldIds);

        // Reverse.
        JobDescription.set(spark, "loyalty", "reverse");
        Dataset<Row> returnCustomers = returns.select("customer_id").distinct();
        Dataset<Row> matched = ReturnReversals.match(returns, purchasesOf.join(returnCustomers, "customer_id")).localCheckpoint(true);
        long unmatched = matched.where(col("original_line_id").isNull()).count();
        Dataset<Row> earnAll = ledger.where(col("entry_type").equalTo(Ledger.EARN)).unionByName(earned);
        Dataset<Row> released = ledger.where(col("entry_type").equalTo(Ledger.HOLD_RELEASE));
        Dataset<Row> reversedBefore = ledger.where(col("entry_type").equalTo(Ledger.REVERSE));
        Dataset<Row> reverseEarns = earnAll;
        Dataset<Row> reverseReleased = released;
        Dataset<Row> reverseBefore = reversedBefore;
        if (since.isPresent()) {
            // After a previous night the returns are few (the late-arrival window's lines of members with unseen lines):
            // their lines are broadcast and the rows the reversal joins with are picked where they are read, instead of
            // shuffling every earn, release and reverse entry of the touched members to join them. The reversal only
            // ever joins these rows (the earn entries of the matched lines, their releases, the reversals already made
            // for the same return lines), so it drafts the same entries.
            reverseEarns = among(earnAll, matched.select(col("original_line_id").as("source_id")).distinct()).localCheckpoint(true);
            reverseReleased = among(released, reverseEarns.select(col("entry_id").as("related_entry_id")).distinct());
            reverseBefore = among(reversedBefore, matched.select(col("return_line_id").as("source_id")).distinct());
        }
        Dataset<Row> reversed = fresh(new ReturnReversals(config.returnWindowDays()).reverse(matched, reverseEarns, reverseReleased, reverseBefore),
                heldIds);

        // Release.
        JobDescription.set(spark, "loyalty", "release");
        Dataset<Row> releaseEarns = earnAll;
        Dataset<Row> releaseReversals = reversedBefore.unionByName(reversed);
        Dataset<Row> releaseReleased = released;
        if (since.isPresent()) {
            // Every earn entry of the ledger whose return window closed by the previous night was released that night
            // (or had nothing left to release), so only those whose window closes after it, and tonight's earns
            // (a late line can be older), are looked at, with the releases and pending returns of the same purchase days.
            Column windowOpen = col("source_date").gt(lit(Date.valueOf(since.get().minusDays(config.returnWindowDays()))));
            releaseEarns = ledger.where(col("entry_type").equalTo(Ledger.EARN).and(windowOpen)).unionByName(earned);
            releaseReversals = reversedBefore.where(windowOpen).unionByName(reversed);
            releaseReleased = released.where(windowOpen);
        }
        Dataset<Row> releases = fresh(new HoldReleases(config.returnWindowDays()).release(releaseEarns, releaseReversals, releaseReleased, asOf),
                heldIds);

        // Referral bonuses.
        JobDescription.set(spark, "loyalty", "referral bonuses");
        Dataset<Row> bonuses = fresh(bonusDrafts, heldIds);

        // Redeem.
        JobDescription.set(spark, "loyalty", "redeem");
        Dataset<Row> soFar = ledger.unionByName(earned).unionByName(reversed).unionByName(releases).unionByName(bonuses);
        Dataset<Row> redeemed = soFar.limit(0);
        Dataset<Row> rejectedRedemptions = null;
        if (inputs.redemptions().isPresent()) {
            var applied = RedemptionStep.apply(inputs.redemptions().get(), soFar, asOf);
            redeemed = fresh(applied.entries(), heldIds);
            rejectedRedemptions = applied.rejected().localCheckpoint(true);
        }

        // Expire.
        JobDescription.set(spark, "loyalty", "expire");
        Dataset<Row> expired = fresh(new FifoExpiry(config.expiryDays()).expire(soFar.unionByName(redeemed), asOf), heldIds);

        Dataset<Row> entries = earned.unionByName(reversed).unionByName(releases).unionByName(bonuses).unionByName(redeemed).unionByName(expired);
        return new Result(entries, rejectedRedemptions, acceptedNow, rejectedReferrals, unmatched, membersTouched);
    }

    /**
     * The first purchase line ever (customer_id, line_id) of the members with a purchase line tonight whose first line it
     * can be, for the first-purchase bonus. Without the state, every such member's lines of the whole history are read.
     *
     * <p>With customer_state folded through the night ({@code firstPurchases}), a member whose first purchase day is
     * before the day of their first line tonight, and whose spend that day was above zero, has bought before: the
     * lines that are not returns are never negative (ingest quarantines a negative amount without a return), so a paid
     * line, which is what the programme counts as a purchase, was among them, and it is earlier than every line of
     * tonight. Only the other members (new customers, and those whose first day was free items alone) have their lines
     * read, and only from the earliest first purchase day among them, a date filter Delta skips files by. A member the
     * state does not hold is read over the whole history.
     */
    static Dataset<Row> firstLines(Dataset<Row> purchases, Dataset<Row> purchasesOf, Optional<Dataset<Row>> firstPurchases) {
        Dataset<Row> members = purchases.select("customer_id").distinct();
        Dataset<Row> history = purchasesOf;
        if (firstPurchases.isPresent()) {
            Dataset<Row> candidates = purchases.groupBy("customer_id").agg(min("purchase_date").as("tonight_first"))
                    .join(firstPurchases.get(), new String[] {"customer_id"}, "left")
                    .where(col("first_purchase_date").isNull().or(col("first_purchase_date").geq(col("tonight_first")))
                            .or(coalesce(col("first_day_spend"), lit(0)).leq(0)))
                    .select(col("customer_id"), col("first_purchase_date"))
                    .localCheckpoint(true);
            Row bounds = candidates.agg(count(lit(1)), count("first_purchase_date"), min("first_purchase_date")).first();
            if (bounds.getLong(0) == 0) {
                // nobody can be buying for the first time tonight: no line to read
                return purchases.select("customer_id", "line_id").limit(0);
            }
            members = candidates.select("customer_id");
            if (bounds.getLong(0) == bounds.getLong(1)) {
                history = purchasesOf.where(col("purchase_date").geq(lit(bounds.getDate(2))));
            }
        }
        return history.join(members, "customer_id")
                .withColumn("first", row_number().over(Window.partitionBy("customer_id").orderBy(col("ts"), col("line_id"))))
                .where(col("first").equalTo(1)).select("customer_id", "line_id");
    }

    /**
     * The latest day a purchase line was earned (referral bonuses aside), or null. After a previous night it is looked
     * for among the entries from points.late-arrival-days before that night (a date filter Delta can skip files by);
     * only when none is there does it take the maximum over every earn entry, which is the same day.
     */
    private Row latestEarned(Dataset<Row> ledger, Optional<LocalDate> since) {
        Dataset<Row> earns = ledger.where(col("entry_type").equalTo(Ledger.EARN).and(col("rule").notEqual("referral_bonus")));
        if (since.isPresent()) {
            Row recent = earns.where(col("source_date").geq(lit(Date.valueOf(since.get().minusDays(config.lateArrivalDays())))))
                    .agg(max("source_date")).first();
            if (!recent.isNullAt(0)) {
                return recent;
            }
        }
        return earns.agg(max("source_date")).first();
    }

    /**
     * The window's lines of the members with a line the run of the night {@code since}, started at {@code started},
     * could not have seen: dated after that night, or ingested since that run started (a late line). Every other line
     * of the window was read by that run or an earlier one, with everything it could earn or reverse, so reading it
     * again would only draft entries the ledger holds. A member's other lines in the window stay with the new ones:
     * a day's cap and a return's match look at all of them. Ingested at the start time counts as unseen, so a clock
     * that stands still (a test's) reads more, never less. Both filters let Delta skip older files by their statistics.
     */
    private static Dataset<Row> ofMembersWithUnseenLines(Dataset<Row> lines, LocalDate since, Timestamp started) {
        Dataset<Row> members = lines.where(col("purchase_date").gt(lit(Date.valueOf(since))).or(col("ingested_at").geq(lit(started))))
                .select("customer_id").distinct();
        return among(lines, members);
    }

    /**
     * The members who can get an entry tonight, after the night {@code since} (see the class comment): customer_id,
     * distinct.
     */
    private Dataset<Row> touchedMembers(Dataset<Row> ledger, Dataset<Row> lines, Optional<Dataset<Row>> redemptions,
            Dataset<Row> bonusDrafts, LocalDate since, LocalDate asOf) {
        Dataset<Row> members = lines.select("customer_id").unionByName(bonusDrafts.select("customer_id"));
        if (redemptions.isPresent()) {
            members = members.unionByName(redemptions.get().select("customer_id"));
        }
        // Pending earn entries whose return window closed after the previous night: source_date + window in (since, night].
        int window = config.returnWindowDays();
        Dataset<Row> releasesDue = ledger.where(col("entry_type").equalTo(Ledger.EARN).and(col("bucket").equalTo(Ledger.PENDING))
                .and(col("source_date").gt(lit(Date.valueOf(since.minusDays(window)))))
                .and(col("source_date").leq(lit(Date.valueOf(asOf.minusDays(window))))));
        // Available lots whose expiry day (lot day + expiry days, FifoExpiry's credits) fell after the previous night.
        int expiry = config.expiryDays();
        Date expiryFrom = Date.valueOf(since.minusDays(expiry));
        Date expiryTo = Date.valueOf(asOf.minusDays(expiry));
        Column lotDayInRange = col("source_date").isNotNull().and(col("source_date").gt(lit(expiryFrom))).and(col("source_date").leq(lit(expiryTo)))
                .or(col("source_date").isNull().and(col("entry_date").gt(lit(expiryFrom))).and(col("entry_date").leq(lit(expiryTo))));
        Dataset<Row> lotsExpiring = ledger.where(col("bucket").equalTo(Ledger.AVAILABLE).and(col("points").gt(0)).and(lotDayInRange));
        return members.unionByName(releasesDue.select("customer_id")).unionByName(lotsExpiring.select("customer_id"))
                .where(col("customer_id").isNotNull()).distinct().localCheckpoint(true);
    }

    /**
     * The rows whose key columns (the columns of {@code keys}, given distinct) hold one of the keys: the keys are few,
     * so they are broadcast and the rows filtered where they are read, without a shuffle.
     */
    private static Dataset<Row> among(Dataset<Row> rows, Dataset<Row> keys) {
        return rows.join(broadcast(keys), keys.columns(), "left_semi");
    }

    /**
     * Every ledger row of the given members, read once. The members are few against the ledger, so they are
     * broadcast and the ledger is filtered where it is read, without a shuffle.
     */
    private static Dataset<Row> ofTouchedMembers(Dataset<Row> ledger, Dataset<Row> members) {
        return among(ledger, members).localCheckpoint(true);
    }

    /**
     * The entry ids of the ledger rows the night read, hashed into the shuffle's partitions and sorted there once, as
     * the anti-join of {@link #fresh} needs them: each step's join then shuffles and sorts only its own drafts. Before,
     * every step shuffled every id again; on a one-day night at 1,000,000 customers that was six shuffles of the 5.6M
     * ids of the touched members (356 MB each). The partition count is fixed ({@code spark.sql.shuffle.partitions}),
     * so that the joins' other side is shuffled alike. The checkpoint is made without adaptive execution: a checkpoint of
     * an adaptive plan does not keep its partitioning, and the joins would shuffle the ids again.
     */
    static Dataset<Row> heldIds(Dataset<Row> ledger) {
        SparkSession spark = SparkSession.active();
        int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
        try (var planned = SparkSessions.setUntilClosed(spark, "spark.sql.adaptive.enabled", "false")) {
            return ledger.select("entry_id").repartition(partitions, col("entry_id")).sortWithinPartitions("entry_id").localCheckpoint(true);
        }
    }

    /** The entries whose entry_id is not among {@code heldIds} (of {@link #heldIds}). */
    static Dataset<Row> unheld(Dataset<Row> entries, Dataset<Row> heldIds) {
        return entries.join(heldIds, new String[] {"entry_id"}, "left_anti");
    }

    /**
     * Finished entries whose id is not among {@code heldIds} ({@link #heldIds}), once each, persisted so later steps see
     * the same rows.
     *
     * <p>A step drafts each entry once by construction, so an id that repeats is a guard, not the rule. Dropping
     * duplicates over the rows themselves shuffled every entry in full: on the first night at 1,000,000 customers the
     * earn step's 6.3 GB, most of its time. Now the rows are kept where they are, and only a 64-bit hash of each id is
     * counted (a few bytes per entry, pre-aggregated); the rows whose hash repeats, none in the usual case and a few
     * more than the true duplicates in the rare case of a hash collision, are the only ones compared by their id.
     */
    private Dataset<Row> fresh(Dataset<Row> drafts, Dataset<Row> heldIds) {
        // Checkpointed: the later steps build on these rows, and without it their plans (and their analysis) would
        // grow with every step.
        Dataset<Row> finished = unheld(Ledger.finish(drafts, runId, now), heldIds).localCheckpoint(true);
        Column idHash = xxhash64(col("entry_id"));
        Dataset<Row> repeated = finished.groupBy(idHash.as("_id_hash")).count().where(col("count").gt(1)).select("_id_hash");
        if (repeated.isEmpty()) {
            return finished;
        }
        Column sameHash = idHash.equalTo(col("_id_hash"));
        return finished.join(broadcast(repeated), sameHash, "left_anti")
                .unionByName(finished.join(broadcast(repeated), sameHash, "left_semi").dropDuplicates("entry_id"))
                .localCheckpoint(true);
    }
}
