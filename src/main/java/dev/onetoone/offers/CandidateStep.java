package dev.onetoone.offers;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Who qualifies for each campaign, for what target, and why, from the customer's own model and product affinities.
 * One row per customer and campaign: customer_id, campaign_id, target_product_id, target_category, target_value
 * (the value at stake: list price of a product, expected basket spend times the category share for a category,
 * expected basket spend for a basket), margin (margin share of the target), share (chance a purchase includes the
 * target), reason_codes and margin_floor.
 */
public final class CandidateStep {
    private final LocalDate asOf;
    private final OfferSettings settings;

    public CandidateStep(LocalDate asOf, OfferSettings settings) {
        this.asOf = asOf;
        this.settings = settings;
    }

    /** The candidates, and the campaigns that found no product affinity table to draw from. */
    public record Result(Dataset<Row> candidates, List<String> campaignsWithoutAffinity) {
    }

    public Result compute(OfferInputs inputs) {
        Dataset<Row> model = inputs.customerModels().where(col("as_of").equalTo(lit(Date.valueOf(asOf)))).drop("as_of");
        Dataset<Row> products = productMargins(inputs.products());
        Dataset<Row> categories = categoryMargins(products);
        List<Dataset<Row>> parts = new ArrayList<>();
        List<String> withoutAffinity = new ArrayList<>();
        for (Campaign campaign : settings.campaigns().campaigns()) {
            Eligibility rule = campaign.eligibility();
            Dataset<Row> part = switch (campaign.type()) {
                case SECOND_ORDER -> onBasketOrTopCategory(campaign, model.where(col("repeat_purchase_days").equalTo(0)
                        .and(col("overdue_ratio").gt(rule.windowFactor())).and(col("p_alive").geq(rule.minPAlive()))),
                        array(lit("first_purchase_not_returned"), lit("beyond_expected_window")));
                case REPLENISHMENT -> inputs.affinity().map(affinity -> onAffinityTarget(campaign,
                        model.where(col("overdue_ratio").gt(rule.minOverdueRatio()).and(col("p_alive").geq(rule.minPAlive()))),
                        affinity.where(col("is_repeat").and(col("due_date").leq(date_add(lit(Date.valueOf(asOf)), rule.dueWithinDays())))),
                        products, categories, array(lit("overdue_on_rhythm"), lit("repeat_product_due")))).orElse(null);
                case CROSS_SELL -> inputs.affinity().map(affinity -> onAffinityTarget(campaign,
                        model.where(col("p_alive").geq(rule.minPAlive())),
                        affinity.where(col("is_repeat").equalTo(false).and(coalesce(col("new_rank"), col("rank")).leq(rule.maxRank()))
                                .and(col("score").geq(rule.minScore()))),
                        products, categories, array(lit("high_affinity_never_bought")))).orElse(null);
                case WIN_BACK -> winBack(campaign, model, inputs.customerModels());
                case VIP -> onBasketOrTopCategory(campaign, model.where(col("clv").geq(clvQuantile(model, rule.minClvQuantile())).or(loyaltyVip(model))),
                        when(loyaltyVip(model), array(lit("loyalty_vip_tier"))).otherwise(array(lit("top_predicted_value"))));
            };
            if (part == null) {
                withoutAffinity.add(campaign.id());
            } else {
                parts.add(part.withColumn("campaign_id", lit(campaign.id())));
            }
        }
        Dataset<Row> all = parts.stream().reduce(Dataset::unionByName).orElseGet(() -> model.limit(0)
                .select(col("customer_id"), lit("").as("target_product_id"), lit("").as("target_category"), lit(0.0).as("target_value"),
                        lit(0.0).as("margin"), lit(0.0).as("share"), array(lit("")).as("reason_codes"), lit("").as("campaign_id")));
        Dataset<Row> candidates = all.where(col("target_value").gt(0).and(col("share").gt(0)))
                .withColumn("margin_floor", marginFloor());
        return new Result(candidates, withoutAffinity);
    }

    /** Members in the loyalty programme's VIP tier (customer_model.loyalty_vip, written by the loyalty step) are VIPs too. */
    private static Column loyaltyVip(Dataset<Row> model) {
        return java.util.Arrays.asList(model.columns()).contains("loyalty_vip") ? coalesce(col("loyalty_vip"), lit(false)) : lit(false);
    }

    private Dataset<Row> winBack(Campaign campaign, Dataset<Row> model, Dataset<Row> history) {
        Eligibility rule = campaign.eligibility();
        Dataset<Row> valuable = model.where(col("clv").geq(clvQuantile(model, rule.minClvQuantile())));
        Row latest = history.where(col("as_of").leq(lit(Date.valueOf(asOf.minusDays(rule.lookbackDays()))))).agg(max("as_of")).first();
        Dataset<Row> judged;
        if (latest.isNullAt(0)) {
            judged = valuable.where(col("p_alive").lt(rule.maxPAlive())).withColumn("reason_codes", array(lit("high_value"), lit("p_alive_low")));
        } else {
            Dataset<Row> earlier = history.where(col("as_of").equalTo(lit(latest.getDate(0)))).select(col("customer_id"), col("p_alive").as("earlier_p_alive"));
            judged = valuable.join(earlier, "customer_id", "left")
                    .where(col("earlier_p_alive").isNotNull().and(col("earlier_p_alive").minus(col("p_alive")).geq(rule.minPAliveDrop()))
                            .or(col("earlier_p_alive").isNull().and(col("p_alive").lt(rule.maxPAlive()))))
                    .withColumn("reason_codes", when(col("earlier_p_alive").isNotNull(), array(lit("high_value"), lit("p_alive_dropping")))
                            .otherwise(array(lit("high_value"), lit("p_alive_low"))));
        }
        return onBasketOrTopCategory(campaign, judged, col("reason_codes"));
    }

    /** Basket: the expected basket; category: the customer's top category. */
    private Dataset<Row> onBasketOrTopCategory(Campaign campaign, Dataset<Row> eligible, Column reasons) {
        boolean basket = campaign.target() == TargetKind.BASKET;
        Column share = basket ? lit(1.0) : coalesce(col("top_category_share"), lit(0.0));
        return eligible.select(col("customer_id"),
                lit(null).cast("string").as("target_product_id"),
                basket ? lit(null).cast("string").as("target_category") : col("top_category").as("target_category"),
                col("expected_spend_per_purchase").multiply(share).as("target_value"),
                lit(settings.defaultMargin()).as("margin"),
                share.as("share"),
                reasons.as("reason_codes"));
    }

    /** The customer's best-ranked affinity row that passes the campaign's filter, as a product or its category. */
    private Dataset<Row> onAffinityTarget(Campaign campaign, Dataset<Row> eligible, Dataset<Row> affinity, Dataset<Row> products,
            Dataset<Row> categories, Column reasons) {
        Dataset<Row> best = affinity.withColumn("pick", row_number().over(Window.partitionBy("customer_id").orderBy(col("rank").asc(), col("product_id").asc())))
                .where(col("pick").equalTo(1)).select(col("customer_id"), col("product_id"), col("category").as("affinity_category"), col("score"));
        Dataset<Row> joined = eligible.join(best, "customer_id");
        if (campaign.target() == TargetKind.PRODUCT) {
            return joined.join(products, "product_id").select(col("customer_id"),
                    col("product_id").as("target_product_id"),
                    coalesce(col("product_category"), col("affinity_category")).as("target_category"),
                    col("price").as("target_value"),
                    col("product_margin").as("margin"),
                    col("score").as("share"),
                    reasons.as("reason_codes"));
        }
        Column share = coalesce(element_at(col("category_shares"), col("affinity_category")), lit(0.0));
        return joined.join(categories, joined.col("affinity_category").equalTo(categories.col("category")), "left").select(col("customer_id"),
                lit(null).cast("string").as("target_product_id"),
                col("affinity_category").as("target_category"),
                col("expected_spend_per_purchase").multiply(share).as("target_value"),
                coalesce(col("category_margin"), lit(settings.defaultMargin())).as("margin"),
                share.as("share"),
                reasons.as("reason_codes"));
    }

    private Dataset<Row> productMargins(Dataset<Row> products) {
        Column price = col("price").cast("double");
        Column cost = col("unit_cost").cast("double");
        return products.select(col("product_id"), col("category").as("product_category"), price.as("price"),
                when(price.gt(0).and(cost.isNotNull()), price.minus(cost).divide(price)).otherwise(lit(settings.defaultMargin())).as("product_margin"),
                cost.as("unit_cost"));
    }

    private static Dataset<Row> categoryMargins(Dataset<Row> products) {
        return products.where(col("price").gt(0).and(col("unit_cost").isNotNull()).and(col("product_category").isNotNull()))
                .groupBy(col("product_category").as("category"))
                .agg(try_divide(sum(col("price").minus(col("unit_cost"))), sum("price")).as("category_margin"));
    }

    /** The product's floor, else its category's, else offers.margin-floor. */
    private Column marginFloor() {
        return coalesce(lookup(settings.campaigns().productFloors(), col("target_product_id")),
                lookup(settings.campaigns().categoryFloors(), col("target_category")),
                lit(settings.offers().marginFloor()));
    }

    private static Column lookup(Map<String, Double> values, Column key) {
        Column found = lit(null).cast("double");
        for (var entry : values.entrySet()) {
            found = when(key.equalTo(entry.getKey()), lit(entry.getValue())).otherwise(found);
        }
        return found;
    }

    /** The approximate clv quantile over the customers of the as-of date (one number). */
    private static double clvQuantile(Dataset<Row> model, double quantile) {
        double[] values = model.stat().approxQuantile("clv", new double[] {quantile}, 0.001);
        return values.length == 0 || Double.isNaN(values[0]) ? Double.MAX_VALUE : values[0];
    }
}
