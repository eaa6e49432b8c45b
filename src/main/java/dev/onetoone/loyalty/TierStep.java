package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reviews each member's tier for one night. The tier a member qualifies for is the highest whose threshold their
 * qualifying points in the rolling window (tier.window-days, ending on the day) reach. An upgrade applies the night
 * it is earned. A downgrade is decided only on a review date R (the first day of a tier.review-months month), when
 * the member qualifies for less than their tier on R; it takes effect tier.grace-days later, on the first night on
 * or after R + grace, and only if the member still qualifies for less then and has not changed tier since R. The
 * new tier is the one qualified for on that night. A member's first row is "enrolled" in the tier they qualify for.
 */
public final class TierStep {
    private final LoyaltyConfig config;

    public TierStep(LoyaltyConfig config) {
        this.config = config;
    }

    /** The latest review date on or before the day. */
    public LocalDate lastReview(LocalDate day) {
        LocalDate candidate = day.withDayOfMonth(1);
        for (int step = 0; step < 24; step++) {
            if (config.reviewMonths().contains(candidate.getMonthValue())) {
                return candidate;
            }
            candidate = candidate.minusMonths(1);
        }
        throw new IllegalStateException("no review month in " + config.reviewMonths());
    }

    /**
     * Rows of member_tier to write (upsert by customer_id, valid_from): the closed rows of members who change tier
     * and their new rows, and the first rows of new members.
     *
     * @param entries ledger entries (tonight's included)
     * @param history member_tier
     */
    public Dataset<Row> review(Dataset<Row> entries, Dataset<Row> history, LocalDate asOf, String runId) {
        Date night = Date.valueOf(asOf);
        Dataset<Row> qualifyingNow = entries.where(col("entry_date").leq(lit(night))).groupBy("customer_id").agg(
                sum(when(col("bucket").equalTo(Ledger.QUALIFYING).and(col("entry_date").gt(date_sub(lit(night), config.tierWindowDays()))),
                        col("points")).otherwise(0L)).as("qualifying"));
        return review(qualifyingNow, entries, history, asOf, runId);
    }

    /**
     * The same rows as {@link #review(Dataset, Dataset, LocalDate, String)}, from each member's qualifying points in
     * tonight's window (points_balance's qualifying, folded or summed). The points at the last review date are read
     * from the ledger only for the members a downgrade can reach tonight: on or after review + grace, members who
     * held their tier on the review date and qualify for a lower one now. Nobody else's review points change the
     * outcome.
     *
     * @param qualifyingNow customer_id, qualifying: one row per member with a ledger entry dated up to the night
     * @param ledger        points_ledger, tonight's entries included
     * @param history       member_tier
     */
    public Dataset<Row> review(Dataset<Row> qualifyingNow, Dataset<Row> ledger, Dataset<Row> history, LocalDate asOf, String runId) {
        LocalDate review = lastReview(asOf);
        boolean downgradeDue = !asOf.isBefore(review.plusDays(config.graceDays()));
        Date night = Date.valueOf(asOf);
        Date reviewDate = Date.valueOf(review);
        Dataset<Row> current = history.where(col("valid_to").isNull())
                .select(col("customer_id"), col("tier").as("current_tier"), col("valid_from").as("current_from"),
                        col("change").as("current_change"), col("qualifying_points").as("current_points"));
        Dataset<Row> judged = qualifyingNow.select(col("customer_id"), col("qualifying").as("points_now"))
                .join(current, new String[] {"customer_id"}, "full")
                .withColumn("points_now", coalesce(col("points_now"), lit(0L)))
                .withColumn("qualified_rank", rankOf(col("points_now")))
                .withColumn("current_rank", rankOfTier(col("current_tier")));
        if (downgradeDue) {
            Dataset<Row> reachable = judged.where(col("current_tier").isNotNull().and(col("current_from").leq(lit(reviewDate)))
                    .and(col("qualified_rank").lt(col("current_rank")))).select("customer_id");
            Dataset<Row> atReview = ledger.where(col("bucket").equalTo(Ledger.QUALIFYING).and(col("entry_date").leq(lit(reviewDate)))
                            .and(col("entry_date").gt(lit(Date.valueOf(review.minusDays(config.tierWindowDays()))))))
                    .join(broadcast(reachable), new String[] {"customer_id"}, "left_semi")
                    .groupBy("customer_id").agg(sum("points").as("points_at_review"));
            judged = judged.join(atReview, new String[] {"customer_id"}, "left");
        } else {
            judged = judged.withColumn("points_at_review", lit(0L));
        }
        judged = judged.withColumn("points_at_review", coalesce(col("points_at_review"), lit(0L)))
                .withColumn("review_rank", rankOf(col("points_at_review")));
        // A member whose tier row starts tonight (a rerun of the night) keeps it: one change per member and night.
        Column changedTonight = coalesce(col("current_from").equalTo(lit(night)), lit(false));
        Column enrolled = col("current_tier").isNull();
        Column upgrade = col("current_tier").isNotNull().and(changedTonight.unary_$bang()).and(col("qualified_rank").gt(col("current_rank")));
        Column downgrade = col("current_tier").isNotNull().and(lit(downgradeDue)).and(col("current_from").leq(lit(reviewDate)))
                .and(col("review_rank").lt(col("current_rank"))).and(col("qualified_rank").lt(col("current_rank")));
        Dataset<Row> changes = judged.withColumn("change", when(enrolled, lit("enrolled")).when(upgrade, lit("upgrade"))
                .when(downgrade, lit("downgrade"))).where(col("change").isNotNull()).localCheckpoint(true);
        Dataset<Row> opened = changes.select(col("customer_id"), tierName(col("qualified_rank")).as("tier"), lit(night).as("valid_from"),
                lit(null).cast("date").as("valid_to"), col("change"), col("points_now").as("qualifying_points"), lit(runId).as("run_id"));
        Dataset<Row> closed = changes.where(col("current_tier").isNotNull()).select(col("customer_id"), col("current_tier").as("tier"),
                col("current_from").as("valid_from"), date_sub(lit(night), 1).as("valid_to"), col("current_change").as("change"),
                col("current_points").as("qualifying_points"), lit(runId).as("run_id"));
        return opened.unionByName(closed);
    }

    /** Index of the highest tier whose threshold the points reach. */
    private Column rankOf(Column points) {
        Column rank = lit(0);
        for (int index = 1; index < config.tiers().size(); index++) {
            rank = when(points.geq(config.tiers().get(index).threshold()), lit(index)).otherwise(rank);
        }
        return rank;
    }

    private Column rankOfTier(Column tier) {
        Column rank = lit(-1);
        for (int index = 0; index < config.tiers().size(); index++) {
            rank = when(tier.equalTo(config.tiers().get(index).name()), lit(index)).otherwise(rank);
        }
        return rank;
    }

    private Column tierName(Column rank) {
        Column name = lit(config.tiers().get(0).name());
        for (int index = 1; index < config.tiers().size(); index++) {
            name = when(rank.equalTo(index), lit(config.tiers().get(index).name())).otherwise(name);
        }
        return name;
    }
}
