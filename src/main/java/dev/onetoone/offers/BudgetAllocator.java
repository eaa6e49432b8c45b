package dev.onetoone.offers;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses offers under per-campaign budgets and a global budget: a multiple-choice knapsack (each customer takes at
 * most one option per campaign and at most {@code slots} options in all) solved by Lagrangian relaxation.
 * <p>
 * With a price {@code lambda_c} per unit of campaign c's budget and {@code lambda_g} per unit of the global budget,
 * the relaxed problem separates by customer: each option scores {@code value - (lambda_c + lambda_g) x cost}, each
 * customer keeps the best positive option of each campaign, then their first {@code slots} campaigns by priority
 * (lower first) and score. That choice is one per-customer Spark operation (windows partitioned by customer).
 * <p>
 * The prices are found by bisection in two phases, each step one aggregate of the spend grouped by campaign:
 * first every campaign's own price (the lowest that keeps it within its budget; all campaigns bisected at once,
 * since a campaign's spend depends on its own price), then the global price g, under which campaign c pays
 * {@code max(own_c, g)}; so {@code lambda_c = max(own_c - g, 0)}, the KKT conditions of the relaxation when
 * campaigns do not compete for a customer's contact slots. Budgets that do not bind keep price 0; the others take
 * the upper (feasible) end of their bracket. A last check raises any price whose budget is still exceeded (customers
 * can move between campaigns when a price rises) until every budget holds; a price at the largest value-to-cost
 * ratio stops all paid options of that budget, so the check ends. Only the per-campaign sums reach the driver.
 * <p>
 * One aggregate evaluates {@value #POINTS_PER_PASS} prices of a bracket at once (the options crossed with the
 * points, each point's choice made apart), which narrows the bracket 16-fold: four bisection steps in one Spark job
 * instead of four. The options are few (a customer's best few above contact cost; about 5,000 rows at 100,000
 * customers), so a Spark job's fixed cost, not its rows, is what the passes cost. {@code bisectionSteps} sets the
 * precision, a bracket of {@code 2^-steps} of the highest price, reached in {@code ceil(steps / 4)} passes.
 * <p>
 * Input columns: customer_id, campaign_id, priority, value, cost, counts (the option's cost counts against the
 * budgets, i.e. it would be sent), slots, and optionally earlier_contacts (offers sent to the customer within the
 * contact window before today; 0 when the column is absent). Options with value &lt;= 0 are never chosen.
 * <p>
 * Contact fatigue: the k-th offer a customer is sent within the contact window costs {@code fatigue x (k - 1)} more,
 * in value, not in budget (it is lost attention, not money). A customer's options are placed in order (priority,
 * then score) and each pays the fatigue of its place; one that does not pay for it at its place is dropped, and the
 * rest are placed again. A dropped option only moves later ones forward, to a cheaper place, so every chosen option
 * still pays for the fatigue of its final place (which is recorded as fatigue_cost).
 */
public final class BudgetAllocator {
    public static final String GLOBAL = "global";
    private static final Logger LOG = LoggerFactory.getLogger(BudgetAllocator.class);
    private static final int REPAIR_ROUNDS = 12;
    /** Bisection steps one aggregate does: it cuts the bracket into 2^4 = 16 parts. */
    private static final int STEPS_PER_PASS = 4;
    /** Prices evaluated by one aggregate: the inner points of the bracket's 2^STEPS_PER_PASS parts. */
    private static final int POINTS_PER_PASS = (1 << STEPS_PER_PASS) - 1;
    /** Decisions of {@link #decide}: the option is chosen, or why not. */
    public static final String CHOSEN = "chosen";
    public static final String OVER_BUDGET = "budget";
    public static final String FATIGUE = "fatigue";
    public static final String NO_SLOT = "contact_limit";

    private final Map<String, Double> campaignBudgets;
    private final double globalBudget;
    private final int bisectionSteps;
    private final double fatigue;

    /** Spend, count and value of the options chosen under one budget. */
    public record Spend(double spend, long offers, double value) {
        static final Spend NONE = new Spend(0, 0, 0);
    }

    /**
     * The outcome: chosen options (input columns plus score and fatigue_cost) and the price of each budget (campaign
     * ids and {@link #GLOBAL}) with the spend under it; {@code decisions} has each customer's best option per
     * campaign at those prices with its {@code decision} ({@link #CHOSEN}, or why not).
     */
    public record Allocation(Dataset<Row> chosen, Dataset<Row> decisions, Map<String, Double> prices, Map<String, Spend> spend,
            int evaluations) {
    }

    public BudgetAllocator(Map<String, Double> campaignBudgets, double globalBudget, int bisectionSteps) {
        this(campaignBudgets, globalBudget, bisectionSteps, 0.0);
    }

    /** With a fatigue cost, in value, of each earlier contact in the window (see the class comment). */
    public BudgetAllocator(Map<String, Double> campaignBudgets, double globalBudget, int bisectionSteps, double fatigue) {
        this.campaignBudgets = new LinkedHashMap<>(campaignBudgets);
        this.globalBudget = globalBudget;
        this.bisectionSteps = bisectionSteps;
        this.fatigue = fatigue;
    }

    public Allocation allocate(Dataset<Row> options) {
        Dataset<Row> positive = options.where(col("value").gt(0)).repartition(col("customer_id")).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return solve(positive);
        } finally {
            positive.unpersist();
        }
    }

    private Allocation solve(Dataset<Row> options) {
        List<String> campaigns = new ArrayList<>(campaignBudgets.keySet());
        Map<String, Double> prices = new LinkedHashMap<>();
        campaigns.forEach(campaign -> prices.put(campaign, 0.0));
        prices.put(GLOBAL, 0.0);
        int evaluations = 1;
        Map<String, Spend> spend = spend(options, prices, fatigue);
        if (feasible(spend)) {
            return allocation(options, prices, spend, evaluations);
        }
        Row bound = options.where(col("cost").gt(0)).agg(max(col("value").divide(col("cost")))).first();
        double top = (bound.isNullAt(0) ? 0 : bound.getDouble(0)) * (1 + 1e-9) + 1e-12;

        // 1. each campaign's own price: the lowest that keeps it within its budget, all campaigns bisected at once
        Map<String, Double> own = new LinkedHashMap<>(prices);
        Map<String, Double> low = new LinkedHashMap<>();
        Map<String, Double> high = new LinkedHashMap<>();
        for (String campaign : campaigns) {
            if (spend.getOrDefault(campaign, Spend.NONE).spend() > campaignBudgets.get(campaign)) {
                low.put(campaign, 0.0);
                high.put(campaign, top);
            }
        }
        for (int pass = 0; pass < passes() && !low.isEmpty(); pass++) {
            List<Map<String, Double>> points = new ArrayList<>();
            for (int point = 1; point <= POINTS_PER_PASS; point++) {
                Map<String, Double> atPoint = new LinkedHashMap<>(own);
                for (String campaign : low.keySet()) {
                    atPoint.put(campaign, inside(low.get(campaign), high.get(campaign), point));
                }
                points.add(atPoint);
            }
            List<Map<String, Spend>> spends = spend(options, points, fatigue);
            evaluations++;
            for (String campaign : low.keySet()) {
                double budget = campaignBudgets.get(campaign);
                double[] bracket = narrowed(low.get(campaign), high.get(campaign),
                        point -> spends.get(point - 1).getOrDefault(campaign, Spend.NONE).spend() > budget);
                low.put(campaign, bracket[0]);
                high.put(campaign, bracket[1]);
            }
        }
        high.forEach(own::put);

        // 2. the global price: a campaign's effective price is the larger of its own price and the global one
        spend = spend(options, own, fatigue);
        evaluations++;
        double global = 0;
        if (spend.get(GLOBAL).spend() > globalBudget) {
            double globalLow = 0;
            double globalHigh = top;
            for (int pass = 0; pass < passes(); pass++) {
                List<Map<String, Double>> atPoints = new ArrayList<>();
                for (int point = 1; point <= POINTS_PER_PASS; point++) {
                    atPoints.add(effective(own, inside(globalLow, globalHigh, point)));
                }
                List<Map<String, Spend>> spends = spend(options, atPoints, fatigue);
                evaluations++;
                double[] bracket = narrowed(globalLow, globalHigh, point -> spends.get(point - 1).get(GLOBAL).spend() > globalBudget);
                globalLow = bracket[0];
                globalHigh = bracket[1];
            }
            global = globalHigh;
        }
        for (String campaign : campaigns) {
            prices.put(campaign, Math.max(own.get(campaign) - global, 0.0));
        }
        prices.put(GLOBAL, global);

        // 3. customers can move between campaigns when a price rises (contact cap): raise any price still exceeded
        spend = spend(options, prices, fatigue);
        evaluations++;
        for (int round = 0; !feasible(spend); round++) {
            for (String campaign : campaigns) {
                if (spend.getOrDefault(campaign, Spend.NONE).spend() > campaignBudgets.get(campaign)) {
                    prices.put(campaign, round >= REPAIR_ROUNDS ? top : (prices.get(campaign) + top) / 2);
                }
            }
            if (spend.get(GLOBAL).spend() > globalBudget) {
                prices.put(GLOBAL, round >= REPAIR_ROUNDS ? top : (prices.get(GLOBAL) + top) / 2);
            }
            spend = spend(options, prices, fatigue);
            evaluations++;
            if (round > REPAIR_ROUNDS + campaigns.size() + 2) {
                throw new IllegalStateException("budget prices did not reach a feasible allocation: " + prices + " spend " + spend);
            }
        }
        LOG.info("budget prices {} after {} aggregates", prices, evaluations);
        return allocation(options, prices, spend, evaluations);
    }

    private Allocation allocation(Dataset<Row> options, Map<String, Double> prices, Map<String, Spend> spend, int evaluations) {
        Dataset<Row> decisions = decide(options, prices, fatigue);
        return new Allocation(decisions.where(col("decision").equalTo(CHOSEN)).drop("decision"), decisions, prices, spend, evaluations);
    }

    /** Passes of {@value #POINTS_PER_PASS} points that narrow a bracket at least as far as the bisection steps. */
    private int passes() {
        return (bisectionSteps + STEPS_PER_PASS - 1) / STEPS_PER_PASS;
    }

    /**
     * The bracket's new ends after a pass: the highest point still over budget (or {@code low}) and the point above it
     * (or {@code high}), the spend falling as the price rises.
     */
    private static double[] narrowed(double low, double high, java.util.function.IntPredicate overBudgetAt) {
        for (int point = POINTS_PER_PASS; point >= 1; point--) {
            if (overBudgetAt.test(point)) {
                return new double[] {inside(low, high, point), point == POINTS_PER_PASS ? high : inside(low, high, point + 1)};
            }
        }
        return new double[] {low, inside(low, high, 1)};
    }

    /** The {@code point}-th of the inner points that cut [low, high] into {@code POINTS_PER_PASS + 1} equal parts. */
    private static double inside(double low, double high, int point) {
        return low + (high - low) * point / (POINTS_PER_PASS + 1);
    }

    /** Campaign prices that are at least the global price (global entry 0: the campaign entries carry it). */
    private static Map<String, Double> effective(Map<String, Double> own, double global) {
        Map<String, Double> prices = new LinkedHashMap<>();
        own.forEach((campaign, price) -> prices.put(campaign, campaign.equals(GLOBAL) ? 0.0 : Math.max(price, global)));
        return prices;
    }

    private double limit(String budget) {
        return budget.equals(GLOBAL) ? globalBudget : campaignBudgets.get(budget);
    }

    private boolean feasible(Map<String, Spend> spend) {
        for (String budget : campaignBudgets.keySet()) {
            if (spend.getOrDefault(budget, Spend.NONE).spend() > limit(budget)) {
                return false;
            }
        }
        return spend.getOrDefault(GLOBAL, Spend.NONE).spend() <= globalBudget;
    }

    /** The per-customer choice at the given prices, without contact fatigue. */
    public static Dataset<Row> choose(Dataset<Row> options, Map<String, Double> prices) {
        return decide(options, prices, 0.0).where(col("decision").equalTo(CHOSEN)).drop("decision");
    }

    /**
     * Each customer's best option per campaign at the given prices (score = value - price x cost), with its decision:
     * {@link #OVER_BUDGET} when its score does not pay for the fatigue of the customer's earlier contacts,
     * {@link #FATIGUE} when it does not pay for the fatigue of its place among today's offers, {@link #NO_SLOT} when
     * the customer's slots are taken by options of higher priority or score, else {@link #CHOSEN}; fatigue_cost is the
     * fatigue of its final place.
     */
    public static Dataset<Row> decide(Dataset<Row> options, Map<String, Double> prices, double fatigue) {
        return decide(options.withColumn(PRICE, priceOf(prices)), List.of(), fatigue).drop(PRICE);
    }

    private static final String PRICE = "budget_price";
    private static final String POINT = "budget_point";

    /** The price per unit of cost of an option's campaign (its own price plus the global one). */
    private static Column priceOf(Map<String, Double> prices) {
        Column campaignPrice = lit(0.0);
        for (var entry : prices.entrySet()) {
            if (!entry.getKey().equals(GLOBAL)) {
                campaignPrice = when(col("campaign_id").equalTo(entry.getKey()), lit(entry.getValue())).otherwise(campaignPrice);
            }
        }
        return campaignPrice.plus(lit(prices.getOrDefault(GLOBAL, 0.0)));
    }

    /**
     * {@link #decide(Dataset, Map, double)} with each option's price in column {@value #PRICE}, choices made apart
     * within each group of {@code groups} (the price points of one pass).
     */
    private static Dataset<Row> decide(Dataset<Row> options, List<String> groups, double fatigue) {
        Column earlier = java.util.Arrays.asList(options.columns()).contains("earlier_contacts")
                ? coalesce(col("earlier_contacts"), lit(0)) : lit(0);
        List<Column> customer = new ArrayList<>(groups.stream().map(functions::col).toList());
        customer.add(col("customer_id"));
        List<Column> customerCampaign = new ArrayList<>(customer);
        customerCampaign.add(col("campaign_id"));
        Dataset<Row> bestPerCampaign = options.withColumn("score", col("value").minus(col(PRICE).multiply(col("cost"))))
                .withColumn("campaign_rank", row_number().over(Window.partitionBy(customerCampaign.toArray(Column[]::new))
                        .orderBy(col("score").desc(), col("cost").asc())))
                .where(col("campaign_rank").equalTo(1)).drop("campaign_rank");
        var byCustomer = Window.partitionBy(customer.toArray(Column[]::new));
        Column affordable = col("score").minus(earlier.multiply(fatigue)).gt(0);
        Column firstPlace = row_number().over(byCustomer.orderBy(col("affordable").desc(), col("priority").asc(), col("score").desc(),
                col("campaign_id").asc()));
        Column finalPlace = row_number().over(byCustomer.orderBy(col("pays_fatigue").desc(), col("priority").asc(), col("score").desc(),
                col("campaign_id").asc()));
        return bestPerCampaign
                .withColumn("affordable", affordable)
                .withColumn("first_place", firstPlace)
                .withColumn("pays_fatigue", col("affordable").and(col("score")
                        .minus(earlier.plus(col("first_place")).minus(1).multiply(fatigue)).gt(0)))
                .withColumn("final_place", finalPlace)
                .withColumn("decision", when(col("affordable").unary_$bang(), lit(OVER_BUDGET))
                        .when(col("pays_fatigue").unary_$bang(), lit(FATIGUE))
                        .when(col("final_place").gt(col("slots")), lit(NO_SLOT))
                        .otherwise(lit(CHOSEN)))
                .withColumn("fatigue_cost", earlier.plus(col("final_place")).minus(1).multiply(fatigue))
                .drop("affordable", "first_place", "pays_fatigue", "final_place");
    }

    /** Spend, offers and value per campaign and in all, of the options that count, at the given prices: one job. */
    private static Map<String, Spend> spend(Dataset<Row> options, Map<String, Double> prices, double fatigue) {
        return spend(options, List.of(prices), fatigue).get(0);
    }

    /**
     * As {@link #spend(Dataset, Map, double)} at each of several price vectors, in one job: the options are crossed
     * with the points (a small broadcast table) and each point's choice is made apart. The options are partitioned by
     * customer, which serves the windows by (point, customer) without another shuffle.
     */
    private static List<Map<String, Spend>> spend(Dataset<Row> options, List<Map<String, Double>> prices, double fatigue) {
        Column price = lit(0.0);
        for (int point = prices.size() - 1; point >= 0; point--) {
            price = point == prices.size() - 1 ? priceOf(prices.get(point))
                    : when(col(POINT).equalTo(point), priceOf(prices.get(point))).otherwise(price);
        }
        Dataset<Row> points = options.sparkSession().range(prices.size()).select(col("id").cast("int").as(POINT));
        Dataset<Row> priced = prices.size() == 1 ? options.withColumn(POINT, lit(0))
                : options.crossJoin(functions.broadcast(points));
        List<Row> rows = decide(priced.withColumn(PRICE, price), List.of(POINT), fatigue)
                .where(col("decision").equalTo(CHOSEN).and(col("counts")))
                .groupBy(POINT, "campaign_id").agg(sum("cost"), count(lit(1)), sum("value")).collectAsList();
        List<Map<String, Spend>> spends = new ArrayList<>();
        for (int point = 0; point < prices.size(); point++) {
            spends.add(new LinkedHashMap<>());
        }
        for (Row row : rows) {
            spends.get(row.getInt(0)).put(row.getString(1), new Spend(row.getDouble(2), row.getLong(3), row.getDouble(4)));
        }
        for (Map<String, Spend> spend : spends) {
            double total = 0;
            long offers = 0;
            double value = 0;
            for (Spend one : spend.values()) {
                total += one.spend();
                offers += one.offers();
                value += one.value();
            }
            spend.put(GLOBAL, new Spend(total, offers, value));
        }
        return spends;
    }
}
