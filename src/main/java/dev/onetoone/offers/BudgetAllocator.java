package dev.onetoone.offers;

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
 * Input columns: customer_id, campaign_id, priority, value, cost, counts (the option's cost counts against the
 * budgets, i.e. it would be sent), slots. Options with value &lt;= 0 are never chosen.
 */
public final class BudgetAllocator {
    public static final String GLOBAL = "global";
    private static final Logger LOG = LoggerFactory.getLogger(BudgetAllocator.class);
    private static final int REPAIR_ROUNDS = 12;

    private final Map<String, Double> campaignBudgets;
    private final double globalBudget;
    private final int bisectionSteps;

    /** Spend, count and value of the options chosen under one budget. */
    public record Spend(double spend, long offers, double value) {
        static final Spend NONE = new Spend(0, 0, 0);
    }

    /**
     * The outcome: chosen options (input columns plus score) and the price of each budget (campaign ids and
     * {@link #GLOBAL}) with the spend under it.
     */
    public record Allocation(Dataset<Row> chosen, Map<String, Double> prices, Map<String, Spend> spend, int evaluations) {
    }

    public BudgetAllocator(Map<String, Double> campaignBudgets, double globalBudget, int bisectionSteps) {
        this.campaignBudgets = new LinkedHashMap<>(campaignBudgets);
        this.globalBudget = globalBudget;
        this.bisectionSteps = bisectionSteps;
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
        Map<String, Spend> spend = spend(options, prices);
        if (feasible(spend)) {
            return new Allocation(choose(options, prices), prices, spend, evaluations);
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
        for (int step = 0; step < bisectionSteps && !low.isEmpty(); step++) {
            low.keySet().forEach(campaign -> own.put(campaign, (low.get(campaign) + high.get(campaign)) / 2));
            Map<String, Spend> atMiddle = spend(options, own);
            evaluations++;
            for (String campaign : low.keySet()) {
                (atMiddle.getOrDefault(campaign, Spend.NONE).spend() > campaignBudgets.get(campaign) ? low : high).put(campaign, own.get(campaign));
            }
        }
        high.forEach(own::put);

        // 2. the global price: a campaign's effective price is the larger of its own price and the global one
        spend = spend(options, own);
        evaluations++;
        double global = 0;
        if (spend.get(GLOBAL).spend() > globalBudget) {
            double globalLow = 0;
            double globalHigh = top;
            for (int step = 0; step < bisectionSteps; step++) {
                double middle = (globalLow + globalHigh) / 2;
                Map<String, Spend> atMiddle = spend(options, effective(own, middle));
                evaluations++;
                if (atMiddle.get(GLOBAL).spend() > globalBudget) {
                    globalLow = middle;
                } else {
                    globalHigh = middle;
                }
            }
            global = globalHigh;
        }
        for (String campaign : campaigns) {
            prices.put(campaign, Math.max(own.get(campaign) - global, 0.0));
        }
        prices.put(GLOBAL, global);

        // 3. customers can move between campaigns when a price rises (contact cap): raise any price still exceeded
        spend = spend(options, prices);
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
            spend = spend(options, prices);
            evaluations++;
            if (round > REPAIR_ROUNDS + campaigns.size() + 2) {
                throw new IllegalStateException("budget prices did not reach a feasible allocation: " + prices + " spend " + spend);
            }
        }
        LOG.info("budget prices {} after {} aggregates", prices, evaluations);
        return new Allocation(choose(options, prices), prices, spend, evaluations);
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

    /** The per-customer choice at the given prices. */
    public static Dataset<Row> choose(Dataset<Row> options, Map<String, Double> prices) {
        Column campaignPrice = lit(0.0);
        for (var entry : prices.entrySet()) {
            if (!entry.getKey().equals(GLOBAL)) {
                campaignPrice = when(col("campaign_id").equalTo(entry.getKey()), lit(entry.getValue())).otherwise(campaignPrice);
            }
        }
        Column price = campaignPrice.plus(lit(prices.getOrDefault(GLOBAL, 0.0)));
        Dataset<Row> scored = options.withColumn("score", col("value").minus(price.multiply(col("cost"))))
                .where(col("score").gt(0));
        Dataset<Row> bestPerCampaign = scored
                .withColumn("campaign_rank", row_number().over(Window.partitionBy("customer_id", "campaign_id")
                        .orderBy(col("score").desc(), col("cost").asc())))
                .where(col("campaign_rank").equalTo(1)).drop("campaign_rank");
        return bestPerCampaign
                .withColumn("customer_rank", row_number().over(Window.partitionBy("customer_id")
                        .orderBy(col("priority").asc(), col("score").desc(), col("campaign_id").asc())))
                .where(col("customer_rank").leq(col("slots"))).drop("customer_rank");
    }

    /** Spend, offers and value per campaign and in all, of the options that count, at the given prices: one job. */
    private static Map<String, Spend> spend(Dataset<Row> options, Map<String, Double> prices) {
        List<Row> rows = choose(options, prices).where(col("counts"))
                .groupBy("campaign_id").agg(sum("cost"), count(lit(1)), sum("value")).collectAsList();
        Map<String, Spend> spend = new LinkedHashMap<>();
        double total = 0;
        long offers = 0;
        double value = 0;
        for (Row row : rows) {
            var one = new Spend(row.getDouble(1), row.getLong(2), row.getDouble(3));
            spend.put(row.getString(0), one);
            total += one.spend();
            offers += one.offers();
            value += one.value();
        }
        spend.put(GLOBAL, new Spend(total, offers, value));
        return spend;
    }
}
