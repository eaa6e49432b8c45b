package dev.onetoone.offers;

import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.io.JobDescription;
import dev.onetoone.io.Tables;

/**
 * Today's offers from the customers' models, composed of steps: candidates per campaign ({@link CandidateStep}),
 * the contact policy ({@link ContactPolicy}), one option per allowed discount step with its modelled response and
 * costs ({@link OfferPricing}; for a campaign with a learned response in {@link OfferSettings#learned()}, its logit
 * shift is the learned one, {@link LearnedResponse}), the measurement groups ({@link GroupAssignment}), the randomised
 * choice of the explore group and its spend ({@link ExploreBudget}), the budget allocation ({@link BudgetAllocator}),
 * and the rows ({@link OfferRows}). This class judges the candidates between the steps and counts what happened to
 * each. Produces rows of {@code offers} and {@code budget_shadow_prices}; does no I/O.
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
public final class OfferSelection {
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

    public OfferSelection(LocalDate asOf, OfferSettings settings, String runId) {
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

        JobDescription.set(spark, "offers", "candidates and contact policy");
        long modelled = inputs.customerModels().where(col("as_of").equalTo(lit(Date.valueOf(asOf)))).count();
        CandidateStep.Result candidates = new CandidateStep(asOf, settings).compute(inputs);
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
        Dataset<Row> policed = new ContactPolicy(asOf, settings).apply(candidates.candidates(), inputs).persist(StorageLevel.MEMORY_AND_DISK());
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
            options = new OfferPricing(asOf, settings).options(policed.where(col("policy_drop").isNull()).drop("policy_drop"), inputs.customerModels())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            details.put("candidate_options", options.count());
            Column customerDraw = GroupAssignment.draw(config.salt(), OfferGroup.HOLDOUT.value(), col("customer_id"));
            Column holdout = customerDraw.lt(config.holdoutShare());
            Column explore = customerDraw.geq(config.holdoutShare()).and(customerDraw.lt(config.holdoutShare() + config.exploreShare()));
            Column control = GroupAssignment.draw(config.salt(), OfferGroup.CONTROL.value(), col("campaign_id"), col("customer_id")).lt(config.controlShare());

            // the economic rules judge a candidate by its best option: none within the margin floor, none with a
            // positive expected incremental margin, or none that pays for its contact and fatigue costs
            JobDescription.set(spark, "offers", "margin floor and contact costs per candidate");
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
            // are those of the draw actually made; explore offers are sent, so they spend the budgets first
            JobDescription.set(spark, "offers", "explore choice");
            ExploreBudget.Drawn drawn = new ExploreBudget(settings).draw(options.where(explore.and(col("qualifies"))));
            Dataset<Row> exploreChoice = drawn.chosen();
            outcome.put(EXPLORE_NOT_DRAWN, qualifiedExplore - drawn.drawn());
            outcome.merge(DROPPED_BUDGET, drawn.droppedForBudget(), Long::sum);
            warnings.addAll(drawn.warnings());
            Map<String, Double> remaining = drawn.remaining();
            double globalRemaining = drawn.globalRemaining();

            // the allocator maximises the margin net of contact costs above offers.min-net-margin; a contact's
            // channel cost is money, so it is spent from the budgets, its fatigue is not
            JobDescription.set(spark, "offers", "budget allocation");
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
            var offerRows = new OfferRows(asOf, settings, runId);
            Dataset<Row> offers = offerRows.rows(chosen).unionByName(offerRows.rows(explored)).persist(StorageLevel.MEMORY_AND_DISK());

            JobDescription.set(spark, "offers", "counts of the offers decided");
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
            Dataset<Row> prices = offerRows.shadowPrices(spark, offers, allocation.prices());
            return new Result(offers, prices, details, warnings);
        } finally {
            JobDescription.clear(spark);
            if (decisions != null) {
                decisions.unpersist();
            }
            if (options != null) {
                options.unpersist();
            }
            policed.unpersist();
        }
    }

}
