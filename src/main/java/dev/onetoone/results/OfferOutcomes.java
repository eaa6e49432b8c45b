package dev.onetoone.results;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What followed each offer, and the per-campaign sums the lift is computed from. A stage: Datasets in, Datasets out.
 *
 * <p>Follow-up spend of an offer row is every transaction line of its customer dated in [valid_from, valid_to],
 * returns included (they reduce it), whether or not it carries the offer. Line margin is the amount paid (net of the
 * discount) minus quantity times the product's unit_cost; a line whose product has no cost adds 0 margin and is
 * counted in lines_without_cost. A row is redeemed when a purchase line in its window carries its offer_id. A
 * customer with several offers whose windows overlap counts the same purchases for each of them.
 */
public final class OfferOutcomes {
    public static final String ALL = "all";

    private OfferOutcomes() {
    }

    /**
     * One row per offer: as_of, offer_id, campaign_id, offer_group, revenue, margin, redeemed, lines_without_cost.
     */
    public static Dataset<Row> perOffer(Dataset<Row> offers, Dataset<Row> transactions, Dataset<Row> products) {
        Dataset<Row> costs = products.select(col("product_id").as("cost_product_id"), col("unit_cost").cast("double").as("unit_cost"));
        Dataset<Row> lines = transactions
                .select(col("customer_id").as("line_customer_id"), col("purchase_date"), col("product_id"),
                        col("quantity").cast("double").as("quantity"), col("amount").cast("double").as("amount"),
                        col("offer_id").as("line_offer_id"), col("is_return"))
                .join(costs, col("product_id").equalTo(col("cost_product_id")), "left")
                .withColumn("line_margin", when(col("unit_cost").isNull(), lit(0.0))
                        .otherwise(col("amount").minus(col("quantity").multiply(col("unit_cost")))));
        Dataset<Row> window = offers.select("as_of", "offer_id", "customer_id", "campaign_id", "offer_group", "valid_from", "valid_to");
        Column inWindow = col("customer_id").equalTo(col("line_customer_id"))
                .and(col("purchase_date").geq(col("valid_from")))
                .and(col("purchase_date").leq(col("valid_to")));
        return window.join(lines, inWindow, "left")
                .groupBy("as_of", "offer_id", "campaign_id", "offer_group")
                .agg(coalesce(sum(col("amount")), lit(0.0)).as("revenue"),
                        coalesce(sum(col("line_margin")), lit(0.0)).as("margin"),
                        coalesce(max(col("line_offer_id").equalTo(col("offer_id")).and(col("is_return").unary_$bang())), lit(false)).as("redeemed"),
                        sum(when(col("amount").isNotNull().and(col("unit_cost").isNull()), 1L).otherwise(0L)).as("lines_without_cost"));
    }

    /**
     * Per campaign and for all campaigns: sent rows, redemptions, and count, revenue, margin and margin squared sums
     * of the treated (treatment) and withheld (control and holdout) rows. One row per campaign: small by
     * construction.
     */
    public static Dataset<Row> groupSums(Dataset<Row> perOffer) {
        Dataset<Row> both = perOffer.unionByName(perOffer.withColumn("campaign_id", lit(ALL)));
        Column sent = col("offer_group").isin("treatment", "explore");
        Column treated = col("offer_group").equalTo("treatment");
        Column withheld = col("offer_group").isin("control", "holdout");
        return both.groupBy("campaign_id").agg(
                        sum(when(sent, 1L).otherwise(0L)).as("offers_sent"),
                        sum(when(sent.and(col("redeemed")), 1L).otherwise(0L)).as("redemptions"),
                        sum(when(treated, 1L).otherwise(0L)).as("treated_rows"),
                        sum(when(treated, col("revenue")).otherwise(0.0)).as("treated_revenue"),
                        sum(when(treated, col("margin")).otherwise(0.0)).as("treated_margin"),
                        sum(when(treated, col("margin").multiply(col("margin"))).otherwise(0.0)).as("treated_margin_squares"),
                        sum(when(withheld, 1L).otherwise(0L)).as("withheld_rows"),
                        sum(when(withheld, col("revenue")).otherwise(0.0)).as("withheld_revenue"),
                        sum(when(withheld, col("margin")).otherwise(0.0)).as("withheld_margin"),
                        sum(when(withheld, col("margin").multiply(col("margin"))).otherwise(0.0)).as("withheld_margin_squares"),
                        sum(col("lines_without_cost")).as("lines_without_cost"))
                .orderBy(when(col("campaign_id").equalTo(ALL), 1).otherwise(0), col("campaign_id"));
    }

    /**
     * The lift of each campaign and of all, from the collected rows of {@link #groupSums}, in their order; the lift
     * of all is stratified by campaign ({@link OfferLift#total}).
     */
    public static List<OfferLift> lifts(List<Row> groupSums) {
        List<OfferLift> lifts = new ArrayList<>();
        for (Row row : groupSums) {
            var treated = new OfferLift.GroupSums(row.getAs("treated_rows"), row.<Double>getAs("treated_revenue"),
                    row.<Double>getAs("treated_margin"), row.<Double>getAs("treated_margin_squares"));
            var withheld = new OfferLift.GroupSums(row.getAs("withheld_rows"), row.<Double>getAs("withheld_revenue"),
                    row.<Double>getAs("withheld_margin"), row.<Double>getAs("withheld_margin_squares"));
            OfferLift lift = OfferLift.of(row.getAs("campaign_id"), row.<Long>getAs("offers_sent"), row.<Long>getAs("redemptions"), treated, withheld);
            lifts.add(lift.campaignId().equals(ALL) ? OfferLift.total(lift, List.copyOf(lifts)) : lift);
        }
        return lifts;
    }
}
