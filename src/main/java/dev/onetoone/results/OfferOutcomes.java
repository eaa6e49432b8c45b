package dev.onetoone.results;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.onetoone.offers.OfferGroup;

/**
 * What followed each offer, and the per-campaign sums the lift is computed from. A stage: Datasets in, Datasets out.
 *
 * <p>Follow-up spend of an offer row is every transaction line of its customer dated in [valid_from, valid_to],
 * returns included (they reduce it), whether or not it carries the offer. Line margin is the amount paid (net of the
 * discount) minus quantity times the product's unit_cost; a line whose product has no cost adds 0 margin and is
 * counted in lines_without_cost. A row is redeemed when a purchase line in its window carries its offer_id. A
 * customer with several offers whose windows overlap counts the same purchases for each of them. The pre-period
 * margin of a row (the covariate of the adjusted lift, {@link OfferLift}) is its customer's margin before they were
 * first chosen for the campaign.
 */
public final class OfferOutcomes {
    public static final String ALL = "all";

    private OfferOutcomes() {
    }

    /**
     * One row per offer: as_of, offer_id, campaign_id, offer_group, revenue, margin, pre_margin, redeemed,
     * lines_without_cost. {@code offers} are the rows measured and also the only rows that tell when a customer was
     * first chosen for a campaign; see {@link #perOffer(Dataset, Dataset, Dataset, Dataset)}.
     */
    public static Dataset<Row> perOffer(Dataset<Row> offers, Dataset<Row> transactions, Dataset<Row> products) {
        return perOffer(offers, offers, transactions, products);
    }

    /**
     * One row per row of {@code offers}: as_of, offer_id, campaign_id, offer_group, revenue, margin, pre_margin,
     * redeemed, lines_without_cost.
     *
     * <p>pre_margin is the customer's margin in the V days (V: the row's window length) before the first validity
     * window of the customer in the campaign, over {@code offers} and {@code earlierOffers} (the offers table up to
     * the period). Groups are drawn per campaign and customer and kept from night to night, so margin after a
     * customer's first offer of a campaign may already be moved by it; before it, it cannot be, which makes
     * pre_margin a valid covariate for the adjusted lift ({@link OfferLift}).
     */
    public static Dataset<Row> perOffer(Dataset<Row> offers, Dataset<Row> earlierOffers, Dataset<Row> transactions, Dataset<Row> products) {
        Dataset<Row> costs = products.select(col("product_id").as("cost_product_id"), col("unit_cost").cast("double").as("unit_cost"));
        Dataset<Row> lines = transactions
                .select(col("customer_id").as("line_customer_id"), col("purchase_date"), col("product_id"),
                        col("quantity").cast("double").as("quantity"), col("amount").cast("double").as("amount"),
                        col("offer_id").as("line_offer_id"), col("is_return"))
                .join(costs, col("product_id").equalTo(col("cost_product_id")), "left")
                .withColumn("line_margin", when(col("unit_cost").isNull(), lit(0.0))
                        .otherwise(col("amount").minus(col("quantity").multiply(col("unit_cost")))));
        Dataset<Row> window = offers.select("as_of", "offer_id", "customer_id", "campaign_id", "offer_group", "valid_from", "valid_to");
        Column inWindow = customerLineBetween("valid_from", "valid_to");
        Dataset<Row> outcomes = window.join(lines, inWindow, "left")
                .groupBy("as_of", "offer_id", "campaign_id", "offer_group")
                .agg(coalesce(sum(col("amount")), lit(0.0)).as("revenue"),
                        coalesce(sum(col("line_margin")), lit(0.0)).as("margin"),
                        coalesce(max(col("line_offer_id").equalTo(col("offer_id")).and(col("is_return").unary_$bang())), lit(false)).as("redeemed"),
                        sum(when(col("amount").isNotNull().and(col("unit_cost").isNull()), 1L).otherwise(0L)).as("lines_without_cost"));

        Dataset<Row> firsts = offers.select("customer_id", "campaign_id", "valid_from")
                .unionByName(earlierOffers.select("customer_id", "campaign_id", "valid_from"))
                .groupBy("customer_id", "campaign_id").agg(min(col("valid_from")).as("first_from"));
        Dataset<Row> prePeriods = offers.select(col("as_of").as("pre_as_of"), col("offer_id").as("pre_offer_id"), col("customer_id"),
                        col("campaign_id"), date_diff(col("valid_to"), col("valid_from")).plus(1).as("days"))
                .join(firsts, new String[] {"customer_id", "campaign_id"})
                .select(col("pre_as_of"), col("pre_offer_id"), col("customer_id"), date_sub(col("first_from"), col("days")).as("pre_from"),
                        date_sub(col("first_from"), 1).as("pre_to"));
        Column inPrePeriod = customerLineBetween("pre_from", "pre_to");
        Dataset<Row> preMargins = prePeriods.join(lines, inPrePeriod)
                .groupBy("pre_as_of", "pre_offer_id").agg(sum(col("line_margin")).as("pre_margin"));
        return outcomes.join(preMargins, outcomes.col("as_of").equalTo(preMargins.col("pre_as_of"))
                        .and(outcomes.col("offer_id").equalTo(preMargins.col("pre_offer_id"))), "left")
                .select(col("as_of"), col("offer_id"), col("campaign_id"), col("offer_group"), col("revenue"), col("margin"),
                        coalesce(col("pre_margin"), lit(0.0)).as("pre_margin"), col("redeemed"), col("lines_without_cost"));
    }

    /** A line (line_customer_id, purchase_date) of the row's customer dated from column {@code from} to {@code to}. */
    private static Column customerLineBetween(String from, String to) {
        return col("customer_id").equalTo(col("line_customer_id"))
                .and(col("purchase_date").geq(col(from)))
                .and(col("purchase_date").leq(col(to)));
    }

    /**
     * One row per row of {@code offers}: as_of, offer_id, purchased. A row is purchased when its customer bought its
     * target in [valid_from, valid_to]: a line (not a return) of the target product for a product offer, of a product
     * of the target category for a category offer, any line for a basket offer. This is the event whose chance the
     * offers engine models as p_purchase_without_offer and p_purchase_with_offer, so the learned response
     * ({@code offers.ResponseLearner}) is fitted to it.
     */
    public static Dataset<Row> targetPurchases(Dataset<Row> offers, Dataset<Row> transactions, Dataset<Row> products) {
        Dataset<Row> categories = products.select(col("product_id").as("category_product_id"), col("category").as("line_category"));
        Dataset<Row> lines = transactions.where(col("is_return").unary_$bang())
                .select(col("customer_id").as("line_customer_id"), col("purchase_date"), col("product_id").as("line_product_id"))
                .join(categories, col("line_product_id").equalTo(col("category_product_id")), "left");
        Column kind = col("target_kind");
        Column onTarget = when(kind.equalTo("product"), coalesce(col("line_product_id").equalTo(col("target_product_id")), lit(false)))
                .when(kind.equalTo("category"), coalesce(col("line_category").equalTo(col("target_category")), lit(false)))
                .otherwise(lit(true));
        Column inWindow = customerLineBetween("valid_from", "valid_to");
        return offers.select("as_of", "offer_id", "customer_id", "target_kind", "target_product_id", "target_category", "valid_from", "valid_to")
                .join(lines, inWindow, "left")
                .groupBy("as_of", "offer_id")
                .agg(coalesce(max(col("line_customer_id").isNotNull().and(onTarget)), lit(false)).as("purchased"));
    }

    /**
     * Per campaign and for all campaigns: sent rows, redemptions, and count, revenue, margin, margin squared,
     * pre-period margin, its square and its product with margin sums of the treated (treatment) and withheld
     * (control and holdout) rows. One row per campaign: small by
     * construction.
     */
    public static Dataset<Row> groupSums(Dataset<Row> perOffer) {
        Dataset<Row> both = perOffer.unionByName(perOffer.withColumn("campaign_id", lit(ALL)));
        Column sent = OfferGroup.isSent(col("offer_group"));
        Column treated = col("offer_group").equalTo(OfferGroup.TREATMENT.value());
        Column withheld = OfferGroup.isWithheld(col("offer_group"));
        return both.groupBy("campaign_id").agg(
                        sum(when(sent, 1L).otherwise(0L)).as("offers_sent"),
                        sum(when(sent.and(col("redeemed")), 1L).otherwise(0L)).as("redemptions"),
                        sum(when(treated, 1L).otherwise(0L)).as("treated_rows"),
                        sum(when(treated, col("revenue")).otherwise(0.0)).as("treated_revenue"),
                        sum(when(treated, col("margin")).otherwise(0.0)).as("treated_margin"),
                        sum(when(treated, col("margin").multiply(col("margin"))).otherwise(0.0)).as("treated_margin_squares"),
                        sum(when(treated, col("pre_margin")).otherwise(0.0)).as("treated_pre"),
                        sum(when(treated, col("pre_margin").multiply(col("pre_margin"))).otherwise(0.0)).as("treated_pre_squares"),
                        sum(when(treated, col("pre_margin").multiply(col("margin"))).otherwise(0.0)).as("treated_pre_margin"),
                        sum(when(withheld, 1L).otherwise(0L)).as("withheld_rows"),
                        sum(when(withheld, col("revenue")).otherwise(0.0)).as("withheld_revenue"),
                        sum(when(withheld, col("margin")).otherwise(0.0)).as("withheld_margin"),
                        sum(when(withheld, col("margin").multiply(col("margin"))).otherwise(0.0)).as("withheld_margin_squares"),
                        sum(when(withheld, col("pre_margin")).otherwise(0.0)).as("withheld_pre"),
                        sum(when(withheld, col("pre_margin").multiply(col("pre_margin"))).otherwise(0.0)).as("withheld_pre_squares"),
                        sum(when(withheld, col("pre_margin").multiply(col("margin"))).otherwise(0.0)).as("withheld_pre_margin"),
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
            var treated = sums(row, "treated");
            var withheld = sums(row, "withheld");
            OfferLift lift = OfferLift.of(row.getAs("campaign_id"), row.<Long>getAs("offers_sent"), row.<Long>getAs("redemptions"), treated, withheld);
            lifts.add(lift.campaignId().equals(ALL) ? OfferLift.total(lift, List.copyOf(lifts)) : lift);
        }
        return lifts;
    }

    private static OfferLift.GroupSums sums(Row row, String group) {
        return new OfferLift.GroupSums(row.getAs(group + "_rows"), row.<Double>getAs(group + "_revenue"), row.<Double>getAs(group + "_margin"),
                row.<Double>getAs(group + "_margin_squares"), row.<Double>getAs(group + "_pre"), row.<Double>getAs(group + "_pre_squares"),
                row.<Double>getAs(group + "_pre_margin"));
    }
}
