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
 * one option per allowed discount step with its modelled response ({@link ResponseModel}; for a campaign with a
 * learned response in {@link OfferSettings#learned()}, its logit shift is the learned one, {@link LearnedResponse}), the measurement groups
 * ({@link GroupAssignment}), the randomised choice of the explore group, and the budget allocation
 * ({@link BudgetAllocator}). Produces rows of {@code offers} and {@code budget_shadow_prices}; does no I/O.
 * <p>
 * Groups: a customer whose holdout draw is below offers.holdout-share is in the global holdout; a draw in the next
 * offers.explore-share is the explore group; everybody else is regular. Holdout and regular customers get the
 * optimised choice; for each chosen campaign a regular customer is in its control group when their control draw
 * for that campaign is below offers.control-share, else in treatment. Control and holdout rows are written without
 * a channel and do not spend budget; treatment and explore rows are sent and spend it.
 * <p>
 * Contact economics: sending an offer costs its channel's offers.contact-cost.&lt;channel&gt; (money, spent from the
 * budgets with the expected discount cost) and offers.fatigue-cost for each offer the customer was sent within the
 * contact window before it (lost attention: counted in value, not in budget). An option qualifies when it is within
 * the margin floor and its expected incremental margin minus both costs is above offers.min-net-margin. The rule is
 * applied to the options before any randomised choice: the explore draw is uniform over the customer's qualifying
 * options, and the allocator (whose choice holdout, control and treatment rows share, split afterwards by draws
 * independent of the options) only chooses qualifying options, so the logged assignment probabilities stay the
 * probabilities of the draws actually made. The price is that exploration, and so what off-policy evaluation can
 * learn, is limited to offers that the response model expects to pay for their contact.
 * <p>
 * Every customer modelled on the as-of date is a candidate of every campaign. The run log counts, per candidate, the
 * first rule that drops it (eligibility, consent, contact limit, margin floor, no incremental margin, below contact
 * cost, budget) or what happened to it (withheld in the control or holdout group, not drawn for exploration, sent),
 * so that the counts add up to the candidates.
 */
public final class OffersStage {
    /** Run log detail keys: the candidates and what happened to each (they add up to the candidates). */
    public static final String CANDIDATES = "candidates";
    public static final String DROPPED_ELIGIBILITY = "dropped_eligibility";
    public static final String DROPPED_CONSENT = "dropped_consent";
    public static final String DROPPED_CONTACT_LIMIT = "dropped_contact_limit";
    public static final String DROPPED_MARGIN_FLOOR = "dropped_margin_floor";
    public static final String DROPPED_NO_INCREMENTAL_MARGIN = "dropped_no_incremental_margin";
    public static final String DROPPED_BELOW_CONTACT_COST = "dropped_below_contact_cost";
    public static final String DROPPED_BUDGET = "dropped_budget";
    public static final String EXPLORE_NOT_DRAWN = "explore_not_drawn";
    public static final String WITHHELD_CONTROL = "withheld_control";
    public static final String WITHHELD_HOLDOUT = "withheld_holdout";
    public static final String SENT = "sent";

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

        spark.sparkContext().setJobDescription("offers: candidates and contact policy");
        long modelled = inputs.customerModels().where(col("as_of").equalTo(lit(Date.valueOf(asOf)))).count();
        CandidateStage.Result candidates = new CandidateStage(asOf, settings).compute(inputs);
        for (String campaign : candidates.campaignsWithoutAffinity()) {
            warnings.add("campaign " + campaign + " needs product_affinity, which has no rows for " + asOf);
        }
        // every customer modelled today is a candidate of every campaign; each candidate is dropped by the first rule
        // that stops it, withheld for measurement, not drawn for exploration, or sent (see the class comment)
        Map<String, Long> outcome = new LinkedHashMap<>();
        for (String key : List.of(DROPPED_ELIGIBILITY, DROPPED_CONSENT, DROPPED_CONTACT_LIMIT, DROPPED_MARGIN_FLOOR,
                DROPPED_NO_INCREMENTAL_MARGIN, DROPPED_BELOW_CONTACT_COST, DROPPED_BUDGET)) {
            outcome.put(key, 0L);
        }
        Dataset<Row> policed = contactPolicy(candidates.candidates(), inputs).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> options = null;
        Dataset<Row> decisions = null;
        try {
            long eligible = 0;
            for (Row row : policed.groupBy("policy_drop").count().collectAsList()) {
                eligible += row.getLong(1);
                if (!row.isNullAt(0)) {
                    outcome.merge(row.getString(0), row.getLong(1), Long::sum);
                }
            }
            long candidatePairs = modelled * settings.campaigns().campaigns().size();
            outcome.put(DROPPED_ELIGIBILITY, candidatePairs - eligible);
            options = options(policed.where(col("policy_drop").isNull()).drop("policy_drop"), inputs.customerModels())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            details.put("candidate_options", options.count());
            Column customerDraw = GroupAssignment.draw(config.salt(), OfferGroup.HOLDOUT.value(), col("customer_id"));
            Column holdout = customerDraw.lt(config.holdoutShare());
            Column explore = customerDraw.geq(config.holdoutShare()).and(customerDraw.lt(config.holdoutShare() + config.exploreShare()));
            Column control = GroupAssignment.draw(config.salt(), OfferGroup.CONTROL.value(), col("campaign_id"), col("customer_id")).lt(config.controlShare());

            // the economic rules judge a candidate by its best option: none within the margin floor, none with a
            // positive expected incremental margin, or none that pays for its contact and fatigue costs
            spark.sparkContext().setJobDescription("offers: margin floor and contact costs per candidate");
            Dataset<Row> judged = options.groupBy("customer_id", "campaign_id").agg(
                    max(col("within_floor")).as("any_within_floor"),
                    max(when(col("within_floor"), col("expected_incremental_margin"))).as("best_margin"),
                    max(when(col("within_floor"), col("surplus"))).as("best_surplus"));
            long qualifiedExplore = 0;
            for (Row row : judged.withColumn("economic_drop", when(col("any_within_floor").unary_$bang(), lit(DROPPED_MARGIN_FLOOR))
                            .when(col("best_margin").leq(0), lit(DROPPED_NO_INCREMENTAL_MARGIN))
                            .when(col("best_surplus").leq(0), lit(DROPPED_BELOW_CONTACT_COST)))
                    .groupBy(col("economic_drop"), explore.as("explore")).count().collectAsList()) {
                if (!row.isNullAt(0)) {
                    outcome.merge(row.getString(0), row.getLong(2), Long::sum);
                } else if (row.getBoolean(1)) {
                    qualifiedExplore += row.getLong(2);
                }
            }

            // the randomised choices are drawn among the options that pass every rule, so the logged probabilities
            // are those of the draw actually made
            spark.sparkContext().setJobDescription("offers: explore choice");
            Dataset<Row> exploreChoice = exploreChoice(options.where(explore.and(col("qualifies"))));
            Map<String, Double> exploreSpend = new LinkedHashMap<>();
            Map<String, Long> explorePicks = new LinkedHashMap<>();
            for (Row row : exploreChoice.groupBy("campaign_id").agg(sum("budget_cost"), count(lit(1))).collectAsList()) {
                exploreSpend.put(row.getString(0), row.getDouble(1));
                explorePicks.put(row.getString(0), row.getLong(2));
            }
            long picks = explorePicks.values().stream().mapToLong(Long::longValue).sum();
            outcome.put(EXPLORE_NOT_DRAWN, qualifiedExplore - picks);
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
                outcome.merge(DROPPED_BUDGET, picks, Long::sum);
                warnings.add("explore offers would exceed the global budget; none sent");
            } else if (!exploreDropped.isEmpty()) {
                exploreChoice = exploreChoice.where(col("campaign_id").isin(exploreDropped.toArray()).unary_$bang());
                outcome.merge(DROPPED_BUDGET, exploreDropped.stream().mapToLong(id -> explorePicks.getOrDefault(id, 0L)).sum(), Long::sum);
                warnings.add("explore offers would exceed the budget of " + exploreDropped + "; none sent for them");
            }

            // the allocator maximises the margin net of contact costs above offers.min-net-margin; a contact's
            // channel cost is money, so it is spent from the budgets, its fatigue is not
            spark.sparkContext().setJobDescription("offers: budget allocation");
            Dataset<Row> optimisable = options.where(explore.unary_$bang().and(col("qualifies")))
                    .withColumn("value", col("expected_incremental_margin").minus(col("contact_cost")).minus(config.minNetMargin()))
                    .withColumn("cost", col("budget_cost"))
                    .withColumn("holdout", holdout)
                    .withColumn("control", control)
                    .withColumn("counts", col("holdout").unary_$bang().and(col("control").unary_$bang()));
            var allocation = new BudgetAllocator(remaining, globalRemaining, config.bisectionSteps(), config.fatigueCost()).allocate(optimisable);
            details.put("budget_aggregates", (long) allocation.evaluations());
            decisions = allocation.decisions().persist(StorageLevel.MEMORY_AND_DISK());
            for (Row row : decisions.where(col("decision").notEqual(BudgetAllocator.CHOSEN)).groupBy("decision").count().collectAsList()) {
                String rule = switch (row.getString(0)) {
                    case BudgetAllocator.OVER_BUDGET -> DROPPED_BUDGET;
                    case BudgetAllocator.FATIGUE -> DROPPED_BELOW_CONTACT_COST;
                    default -> DROPPED_CONTACT_LIMIT;
                };
                outcome.merge(rule, row.getLong(1), Long::sum);
            }

            double regular = 1 - config.holdoutShare() - config.exploreShare();
            Dataset<Row> chosen = decisions.where(col("decision").equalTo(BudgetAllocator.CHOSEN)).drop("decision")
                    .withColumn("offer_group", when(col("holdout"), lit(OfferGroup.HOLDOUT.value())).when(col("control"), lit(OfferGroup.CONTROL.value())).otherwise(lit(OfferGroup.TREATMENT.value())))
                    .withColumn("assignment_probability", when(col("holdout"), lit(config.holdoutShare()))
                            .when(col("control"), lit(regular * config.controlShare()))
                            .otherwise(lit(regular * (1 - config.controlShare()))));
            Dataset<Row> explored = exploreChoice.withColumn("offer_group", lit(OfferGroup.EXPLORE.value()))
                    .withColumn("assignment_probability", lit(config.exploreShare()).divide(col("explore_options")))
                    .withColumn("fatigue_cost", col("earlier_contacts").multiply(config.fatigueCost()))
                    .withColumn("reason_codes", array_union(col("reason_codes"), array(lit("explore_random_choice"))));
            Dataset<Row> offers = rows(chosen).unionByName(rows(explored)).persist(StorageLevel.MEMORY_AND_DISK());

            spark.sparkContext().setJobDescription("offers: counts of the offers decided");
            Map<String, Long> groups = new LinkedHashMap<>();
            double sentMargin = 0;
            double sentContactCost = 0;
            double sentNetMargin = 0;
            for (Row row : offers.groupBy("offer_group").agg(count(lit(1)), sum("expected_incremental_margin"),
                    sum(col("contact_cost").plus(col("fatigue_cost"))), sum("net_expected_margin")).collectAsList()) {
                groups.put(row.getString(0), row.getLong(1));
                if (OfferGroup.fromValue(row.getString(0)).sent()) {
                    sentMargin += row.getDouble(2);
                    sentContactCost += row.getDouble(3);
                    sentNetMargin += row.getDouble(4);
                }
            }
            details.put(CANDIDATES, candidatePairs);
            details.putAll(outcome);
            details.put(WITHHELD_CONTROL, groups.getOrDefault(OfferGroup.CONTROL.value(), 0L));
            details.put(WITHHELD_HOLDOUT, groups.getOrDefault(OfferGroup.HOLDOUT.value(), 0L));
            details.put(SENT, groups.getOrDefault(OfferGroup.TREATMENT.value(), 0L) + groups.getOrDefault(OfferGroup.EXPLORE.value(), 0L));
            details.put("sent_expected_incremental_margin_cents", Math.round(sentMargin * 100));
            details.put("sent_contact_cost_cents", Math.round(sentContactCost * 100));
            details.put("sent_net_expected_margin_cents", Math.round(sentNetMargin * 100));
            Dataset<Row> prices = shadowPrices(spark, offers, allocation.prices());
            return new Result(offers, prices, details, warnings);
        } finally {
            spark.sparkContext().setJobDescription(null);
            if (decisions != null) {
                decisions.unpersist();
            }
            if (options != null) {
                options.unpersist();
            }
            policed.unpersist();
        }
    }

    /**
     * The candidates with the channel, the offers sent to the customer within the contact window before today
     * (earlier_contacts), their remaining contact slots, and policy_drop: {@value #DROPPED_CONSENT} for an unknown,
     * opted-out or suppressed customer or a campaign without a consented channel, {@value #DROPPED_CONTACT_LIMIT}
     * for a customer without slots, in cool-down, or who already had the campaign within its repeat-after-days;
     * null when the candidate may be contacted.
     */
    Dataset<Row> contactPolicy(Dataset<Row> candidates, OfferInputs inputs) {
        var config = settings.offers();
        Date day = Date.valueOf(asOf);
        Dataset<Row> people = inputs.customers().select(col("customer_id"), col("is_known").and(col("opt_out").unary_$bang()).as("contactable"),
                col("consent_email"), col("consent_sms"), col("consent_push"));
        Dataset<Row> suppressed = inputs.suppressed().select("customer_id").distinct().withColumn("suppressed", lit(true));
        Dataset<Row> sent = inputs.previousOffers().where(col("as_of").lt(lit(day))
                .and(col("offer_group").isin(OfferGroup.TREATMENT.value(), OfferGroup.EXPLORE.value())));
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
        Column reachable = coalesce(col("contactable"), lit(false)).and(col("suppressed").isNull());
        return candidates.join(people, "customer_id", "left")
                .join(suppressed, "customer_id", "left")
                .join(preferences, "customer_id", "left")
                .join(contacts, "customer_id", "left")
                .join(lastByCampaign, new String[] {"customer_id", "campaign_id"}, "left")
                .withColumn("earlier_contacts", coalesce(col("recent_contacts"), lit(0L)).cast("int"))
                .withColumn("slots", lit(config.maxContacts()).minus(col("earlier_contacts")).cast("int"))
                .withColumn("channel", channel)
                .withColumn("policy_drop", when(reachable.unary_$bang().or(col("channel").isNull()), lit(DROPPED_CONSENT))
                        .when(col("slots").leq(0).or(inCooldown).or(repeatedTooSoon), lit(DROPPED_CONTACT_LIMIT)))
                .drop("contactable", "suppressed", "consent_email", "consent_sms", "consent_push", "recent_contacts", "last_contact",
                        "last_campaign_contact", "preferred_channel");
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
                .withColumn("assumed_shift", lit(config.responseElasticity()).multiply(coalesce(col("price_sensitivity"), lit(0.0)))
                        .multiply(col("discount_fraction")).plus(col("uplift")))
                .withColumn("logit_shift", logitShift(col("assumed_shift")))
                .withColumn("p_purchase_with_offer", ResponseModel.probabilityWith(col("p_purchase_without_offer"), col("logit_shift")))
                .withColumn("expected_incremental_margin", ResponseModel.incrementalMargin(col("p_purchase_with_offer"),
                        col("p_purchase_without_offer"), col("target_value"), col("margin"), col("redeemed_cost")))
                .withColumn("expected_cost", col("p_purchase_with_offer").multiply(col("redeemed_cost")))
                .withColumn("within_floor", ResponseModel.withinFloor(col("margin"), col("discount_fraction"), col("margin_floor")))
                .withColumn("contact_cost", contactCost(col("channel")))
                .withColumn("budget_cost", col("expected_cost").plus(col("contact_cost")))
                .withColumn("surplus", col("expected_incremental_margin").minus(col("contact_cost"))
                        .minus(col("earlier_contacts").multiply(config.fatigueCost())).minus(config.minNetMargin()))
                .withColumn("qualifies", col("within_floor").and(col("surplus").gt(0)));
        return priced.drop("assumed_shift", "logit_shift", "p_alive", "purchase_rate_per_week", "price_sensitivity");
    }

    /**
     * The logit shift of an option: the learned response of its campaign where one is used ({@link LearnedResponse}),
     * else the assumed one.
     */
    private Column logitShift(Column assumedShift) {
        Column shift = assumedShift;
        for (var entry : new java.util.TreeMap<>(settings.learned()).entrySet()) {
            shift = when(col("campaign_id").equalTo(entry.getKey()), entry.getValue().logitShift(assumedShift)).otherwise(shift);
        }
        return shift;
    }

    /** The channel's offers.contact-cost.&lt;channel&gt;. */
    private Column contactCost(Column channel) {
        Column cost = lit(0.0);
        for (var entry : new java.util.TreeMap<>(settings.offers().contactCosts()).entrySet()) {
            cost = when(channel.equalTo(entry.getKey()), lit(entry.getValue())).otherwise(cost);
        }
        return cost;
    }

    /** Each explore customer's option, drawn uniformly from their qualifying options. */
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
        Column sent = col("offer_group").isin(OfferGroup.TREATMENT.value(), OfferGroup.EXPLORE.value());
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
                lit(runId).as("run_id"),
                col("contact_cost"), col("fatigue_cost"),
                col("expected_incremental_margin").minus(col("contact_cost")).minus(col("fatigue_cost")).as("net_expected_margin"));
    }

    /** One row per campaign budget and the global budget: spend, price and value of the offers sent. */
    private Dataset<Row> shadowPrices(SparkSession spark, Dataset<Row> offers, Map<String, Double> prices) {
        Map<String, Row> sums = new LinkedHashMap<>();
        for (Row row : offers.where(col("offer_group").isin(OfferGroup.TREATMENT.value(), OfferGroup.EXPLORE.value())).groupBy("campaign_id")
                .agg(sum(col("expected_cost").plus(col("contact_cost"))), count(lit(1)), sum("expected_incremental_margin")).collectAsList()) {
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
