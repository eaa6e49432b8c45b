package dev.onetoone.offers;

import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.io.Tables;

/**
 * Today's offers from the customers' models: candidates per campaign ({@link CandidateStage}), the contact policy,
 * one option per allowed discount step with its modelled response ({@link ResponseModel}), the measurement groups
 * ({@link GroupAssignment}), the randomised choice of the explore group, and the budget allocation
 * ({@link BudgetAllocator}). Produces rows of {@code offers} and {@code budget_shadow_prices}; does no I/O.
 * <p>
 * Groups: a customer whose holdout draw is below offers.holdout-share is in the global holdout; a draw in the next
 * offers.explore-share is the explore group; everybody else is regular. Holdout and regular customers get the
 * optimised choice; for each chosen campaign a regular customer is in its control group when their control draw
 * for that campaign is below offers.control-share, else in treatment. Control and holdout rows are written without
 * a channel and do not spend budget; treatment and explore rows are sent and spend it.
 */
public final class OffersStage {
    public static final String TREATMENT = "treatment";
    public static final String CONTROL = "control";
    public static final String HOLDOUT = "holdout";
    public static final String EXPLORE = "explore";

    private final LocalDate asOf;
    private final OfferSettings settings;
    private final String runId;

    public OffersStage(LocalDate asOf, OfferSettings settings, String runId) {
        this.asOf = asOf;
        this.settings = settings;
        this.runId = runId;
    }

    /**
     * The stage's output. {@code offers} has the columns of {@link Tables#OFFERS}, {@code shadowPrices} those of
     * {@link Tables#BUDGET_SHADOW_PRICES}; counts are for the run log.
     */
    public record Result(Dataset<Row> offers, Dataset<Row> shadowPrices, Map<String, Long> details, List<String> warnings) {
    }

    public Result run(OfferInputs inputs) {
        var config = settings.offers();
        SparkSession spark = inputs.customers().sparkSession();
        Map<String, Long> details = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();

        CandidateStage.Result candidates = new CandidateStage(asOf, settings).compute(inputs);
        for (String campaign : candidates.campaignsWithoutAffinity()) {
            warnings.add("campaign " + campaign + " needs product_affinity, which has no rows for " + asOf);
        }
        Dataset<Row> reachable = applyContactPolicy(candidates.candidates(), inputs);
        Dataset<Row> options = options(reachable, inputs.customerModels()).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            details.put("candidate_options", options.count());
            Column customerDraw = GroupAssignment.draw(config.salt(), "holdout", col("customer_id"));
            Column holdout = customerDraw.lt(config.holdoutShare());
            Column explore = customerDraw.geq(config.holdoutShare()).and(customerDraw.lt(config.holdoutShare() + config.exploreShare()));
            Column control = GroupAssignment.draw(config.salt(), "control", col("campaign_id"), col("customer_id")).lt(config.controlShare());

            Dataset<Row> exploreChoice = exploreChoice(options.where(explore.and(col("within_floor"))));
            Map<String, Double> exploreSpend = new LinkedHashMap<>();
            for (Row row : exploreChoice.groupBy("campaign_id").agg(sum("expected_cost")).collectAsList()) {
                exploreSpend.put(row.getString(0), row.getDouble(1));
            }
            // explore offers are sent, so they spend budget first; a campaign (or all) whose budget they would
            // exceed sends no explore offers
            Map<String, Double> remaining = new LinkedHashMap<>();
            List<String> exploreDropped = new ArrayList<>();
            for (Campaign campaign : settings.campaigns().campaigns()) {
                double spent = exploreSpend.getOrDefault(campaign.id(), 0.0);
                if (spent > campaign.budget()) {
                    exploreDropped.add(campaign.id());
                    spent = 0;
                }
                remaining.put(campaign.id(), campaign.budget() - spent);
            }
            double exploreTotal = settings.campaigns().campaigns().stream().mapToDouble(c -> remaining.containsKey(c.id())
                    ? c.budget() - remaining.get(c.id()) : 0).sum();
            double globalRemaining = config.globalBudget() - exploreTotal;
            if (globalRemaining < 0) {
                exploreChoice = exploreChoice.limit(0);
                settings.campaigns().campaigns().forEach(c -> remaining.put(c.id(), c.budget()));
                globalRemaining = config.globalBudget();
                warnings.add("explore offers would exceed the global budget; none sent");
            } else if (!exploreDropped.isEmpty()) {
                exploreChoice = exploreChoice.where(col("campaign_id").isin(exploreDropped.toArray()).unary_$bang());
                warnings.add("explore offers would exceed the budget of " + exploreDropped + "; none sent for them");
            }

            Dataset<Row> optimisable = options.where(explore.unary_$bang().and(col("within_floor")))
                    .withColumn("value", col("expected_incremental_margin"))
                    .withColumn("cost", col("expected_cost"))
                    .withColumn("holdout", holdout)
                    .withColumn("control", control)
                    .withColumn("counts", col("holdout").unary_$bang().and(col("control").unary_$bang()));
            var allocation = new BudgetAllocator(remaining, globalRemaining, config.bisectionSteps()).allocate(optimisable);
            details.put("budget_aggregates", (long) allocation.evaluations());

            double regular = 1 - config.holdoutShare() - config.exploreShare();
            Dataset<Row> chosen = allocation.chosen()
                    .withColumn("offer_group", when(col("holdout"), lit(HOLDOUT)).when(col("control"), lit(CONTROL)).otherwise(lit(TREATMENT)))
                    .withColumn("assignment_probability", when(col("holdout"), lit(config.holdoutShare()))
                            .when(col("control"), lit(regular * config.controlShare()))
                            .otherwise(lit(regular * (1 - config.controlShare()))));
            Dataset<Row> explored = exploreChoice.withColumn("offer_group", lit(EXPLORE))
                    .withColumn("assignment_probability", lit(config.exploreShare()).divide(col("explore_options")))
                    .withColumn("reason_codes", array_union(col("reason_codes"), array(lit("explore_random_choice"))));
            Dataset<Row> offers = rows(chosen).unionByName(rows(explored)).persist(StorageLevel.MEMORY_AND_DISK());
            Dataset<Row> prices = shadowPrices(spark, offers, allocation.prices());
            return new Result(offers, prices, details, warnings);
        } finally {
            options.unpersist();
        }
    }

    /**
     * Drops what the contact policy forbids and adds the channel and the customer's remaining contact slots: no
     * unknown, opted-out or suppressed customer, no customer in cool-down, none who already had the campaign within
     * its repeat-after-days, and no campaign without a consented channel.
     */
    Dataset<Row> applyContactPolicy(Dataset<Row> candidates, OfferInputs inputs) {
        var config = settings.offers();
        Date day = Date.valueOf(asOf);
        Dataset<Row> reachable = inputs.customers().where(col("is_known").and(col("opt_out").unary_$bang()))
                .select("customer_id", "consent_email", "consent_sms", "consent_push")
                .join(inputs.suppressed().select("customer_id").distinct(), new String[] {"customer_id"}, "left_anti");
        Dataset<Row> sent = inputs.previousOffers().where(col("as_of").lt(lit(day))
                .and(col("offer_group").isin(TREATMENT, EXPLORE)));
        Dataset<Row> contacts = sent.groupBy("customer_id").agg(
                sum(when(date_diff(lit(day), col("as_of")).lt(config.contactWindowDays()), 1).otherwise(0)).as("recent_contacts"),
                max("as_of").as("last_contact"));
        Dataset<Row> lastByCampaign = sent.groupBy("customer_id", "campaign_id").agg(max("as_of").as("last_campaign_contact"));
        Column repeatAfter = lit(0);
        Column channel = lit(null).cast("string");
        Column preferred = when(col("preferred_channel").isin("app", "push"), lit("push"))
                .when(col("preferred_channel").isin("web", "email"), lit("email"))
                .when(col("preferred_channel").equalTo("sms"), lit("sms"));
        for (Campaign campaign : settings.campaigns().campaigns()) {
            Column mine = col("campaign_id").equalTo(campaign.id());
            repeatAfter = when(mine, lit(campaign.repeatAfterDays())).otherwise(repeatAfter);
            Column choice = when(preferred.isin(campaign.channels().toArray()).and(consented(preferred)), preferred);
            for (String allowed : campaign.channels()) {
                choice = choice.when(col("consent_" + allowed), lit(allowed));
            }
            channel = when(mine, choice).otherwise(channel);
        }
        Column inCooldown = lit(config.cooldownDays() > 0).and(col("last_contact").isNotNull())
                .and(date_diff(lit(day), col("last_contact")).lt(config.cooldownDays()));
        Column repeatedTooSoon = col("last_campaign_contact").isNotNull()
                .and(date_diff(lit(day), col("last_campaign_contact")).lt(repeatAfter));
        Dataset<Row> preferences = inputs.customerModels().where(col("as_of").equalTo(lit(day))).select("customer_id", "preferred_channel");
        return candidates.join(reachable, "customer_id")
                .join(preferences, "customer_id")
                .join(contacts, "customer_id", "left")
                .join(lastByCampaign, new String[] {"customer_id", "campaign_id"}, "left")
                .withColumn("slots", lit(config.maxContacts()).minus(coalesce(col("recent_contacts"), lit(0L))).cast("int"))
                .withColumn("channel", channel)
                .where(col("slots").gt(0).and(inCooldown.unary_$bang()).and(repeatedTooSoon.unary_$bang()).and(col("channel").isNotNull()))
                .drop("consent_email", "consent_sms", "consent_push", "recent_contacts", "last_contact", "last_campaign_contact", "preferred_channel");
    }

    private static Column consented(Column channel) {
        return when(channel.equalTo("email"), col("consent_email"))
                .when(channel.equalTo("sms"), col("consent_sms"))
                .when(channel.equalTo("push"), col("consent_push"))
                .otherwise(lit(false));
    }

    /** One row per candidate and allowed step, with the discount, its cost and the modelled response. */
    Dataset<Row> options(Dataset<Row> candidates, Dataset<Row> customerModels) {
        var config = settings.offers();
        SparkSession spark = candidates.sparkSession();
        List<Row> stepRows = new ArrayList<>();
        for (Campaign campaign : settings.campaigns().campaigns()) {
            for (double step : campaign.steps()) {
                stepRows.add(RowFactory.create(campaign.id(), campaign.type().key(), campaign.offerForm().key(), campaign.target().key(),
                        step, campaign.validityDays(), campaign.priority(),
                        campaign.offerForm() == OfferForm.RECOGNITION ? campaign.recognitionUplift() : 0.0));
            }
        }
        StructType stepSchema = new StructType()
                .add("campaign_id", DataTypes.StringType).add("campaign_type", DataTypes.StringType)
                .add("offer_form", DataTypes.StringType).add("target_kind", DataTypes.StringType)
                .add("step", DataTypes.DoubleType).add("validity_days", DataTypes.IntegerType)
                .add("priority", DataTypes.IntegerType).add("uplift", DataTypes.DoubleType);
        Dataset<Row> steps = spark.createDataFrame(stepRows, stepSchema);
        Dataset<Row> model = customerModels.where(col("as_of").equalTo(lit(Date.valueOf(asOf))))
                .select("customer_id", "p_alive", "purchase_rate_per_week", "price_sensitivity");
        Column form = col("offer_form");
        Column redeemedCost = when(form.equalTo(OfferForm.PERCENT_OFF.key()), col("target_value").multiply(col("step")).divide(100.0))
                .when(form.equalTo(OfferForm.AMOUNT_OFF.key()), col("step"))
                .when(form.equalTo(OfferForm.BONUS_POINTS.key()), col("step").multiply(config.pointValue()))
                .otherwise(lit(0.0));
        Dataset<Row> priced = candidates.join(model, "customer_id")
                .join(org.apache.spark.sql.functions.broadcast(steps), "campaign_id")
                .withColumn("redeemed_cost", redeemedCost)
                .withColumn("discount_fraction", col("redeemed_cost").divide(col("target_value")))
                .withColumn("p_purchase_without_offer", ResponseModel.probabilityWithout(coalesce(col("p_alive"), lit(0.0)),
                        coalesce(col("purchase_rate_per_week"), lit(0.0)), col("validity_days"), col("share")))
                .withColumn("logit_shift", lit(config.responseElasticity()).multiply(coalesce(col("price_sensitivity"), lit(0.0)))
                        .multiply(col("discount_fraction")).plus(col("uplift")))
                .withColumn("p_purchase_with_offer", ResponseModel.probabilityWith(col("p_purchase_without_offer"), col("logit_shift")))
                .withColumn("expected_incremental_margin", ResponseModel.incrementalMargin(col("p_purchase_with_offer"),
                        col("p_purchase_without_offer"), col("target_value"), col("margin"), col("redeemed_cost")))
                .withColumn("expected_cost", col("p_purchase_with_offer").multiply(col("redeemed_cost")))
                .withColumn("within_floor", ResponseModel.withinFloor(col("margin"), col("discount_fraction"), col("margin_floor")));
        return priced.drop("logit_shift", "p_alive", "purchase_rate_per_week", "price_sensitivity");
    }

    /** Each explore customer's option, drawn uniformly from their options within the margin floor. */
    private Dataset<Row> exploreChoice(Dataset<Row> exploreOptions) {
        var config = settings.offers();
        var byCustomer = Window.partitionBy("customer_id");
        return exploreOptions
                .withColumn("explore_options", count(lit(1)).over(byCustomer))
                .withColumn("explore_pick", row_number().over(byCustomer.orderBy(
                        GroupAssignment.draw(config.salt(), "explore-choice", col("customer_id"), col("campaign_id"), col("step")), col("campaign_id"), col("step"))))
                .where(col("explore_pick").equalTo(1)).drop("explore_pick");
    }

    /** Rows in the shape of the offers table. */
    private Dataset<Row> rows(Dataset<Row> chosen) {
        Date day = Date.valueOf(asOf);
        Column form = col("offer_form");
        Column sent = col("offer_group").isin(TREATMENT, EXPLORE);
        return chosen.select(
                lit(day).as("as_of"),
                substring(sha2(concat_ws("|", lit(asOf.toString()), col("campaign_id"), col("customer_id")), 256), 1, 32).as("offer_id"),
                col("customer_id"), col("campaign_id"), col("campaign_type"), col("offer_form"), col("target_kind"),
                col("target_product_id"), col("target_category"),
                when(form.equalTo(OfferForm.PERCENT_OFF.key()), col("step")).otherwise(lit(0.0)).as("discount_percent"),
                when(form.equalTo(OfferForm.AMOUNT_OFF.key()), col("step")).otherwise(lit(0.0)).as("discount_amount"),
                when(form.equalTo(OfferForm.BONUS_POINTS.key()), col("step")).otherwise(lit(0.0)).cast("long").as("bonus_points"),
                when(sent, col("channel")).as("channel"),
                date_add(lit(day), 1).as("valid_from"),
                date_add(lit(day), col("validity_days")).as("valid_to"),
                col("offer_group"), col("assignment_probability"),
                col("p_purchase_with_offer"), col("p_purchase_without_offer"),
                col("expected_incremental_margin"), col("expected_cost"),
                col("reason_codes"), col("priority"),
                lit(runId).as("run_id"));
    }

    /** One row per campaign budget and the global budget: spend, price and value of the offers sent. */
    private Dataset<Row> shadowPrices(SparkSession spark, Dataset<Row> offers, Map<String, Double> prices) {
        Map<String, Row> sums = new LinkedHashMap<>();
        for (Row row : offers.where(col("offer_group").isin(TREATMENT, EXPLORE)).groupBy("campaign_id")
                .agg(sum("expected_cost"), count(lit(1)), sum("expected_incremental_margin")).collectAsList()) {
            sums.put(row.getString(0), row);
        }
        List<Row> rows = new ArrayList<>();
        double totalSpend = 0;
        long totalOffers = 0;
        double totalMargin = 0;
        Date day = Date.valueOf(asOf);
        for (Campaign campaign : settings.campaigns().campaigns()) {
            Row sum = sums.get(campaign.id());
            double spend = sum == null ? 0 : sum.getDouble(1);
            long offerCount = sum == null ? 0 : sum.getLong(2);
            double margin = sum == null ? 0 : sum.getDouble(3);
            totalSpend += spend;
            totalOffers += offerCount;
            totalMargin += margin;
            double price = prices.getOrDefault(campaign.id(), 0.0);
            rows.add(RowFactory.create(day, campaign.id(), campaign.budget(), spend, price, offerCount, margin, price > 0));
        }
        double globalPrice = prices.getOrDefault(BudgetAllocator.GLOBAL, 0.0);
        rows.add(RowFactory.create(day, BudgetAllocator.GLOBAL, settings.offers().globalBudget(), totalSpend, globalPrice, totalOffers,
                totalMargin, globalPrice > 0));
        return spark.createDataFrame(rows, Tables.BUDGET_SHADOW_PRICES.schema());
    }
}
