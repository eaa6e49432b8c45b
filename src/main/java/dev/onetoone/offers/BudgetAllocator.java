package dev.onetoone.offers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

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
 * (lower first) and score. That choice is one per-customer Spark operation (windows partitioned by customer). The
 * prices are found by bisection, all budgets at once: each step is one aggregate of the spend grouped by campaign.
 * Budgets that never bind keep price 0; the others take the upper (feasible) end of their bracket. A final check
 * raises any price whose budget is still exceeded (customers can move between campaigns when another campaign's
 * price rises) until every budget holds; a price at the largest value-to-cost ratio stops all paid options of that
 * budget, so the check ends. Only the per-campaign sums reach the driver.
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
        List<String> budgets = new java.util.ArrayList<>(campaignBudgets.keySet());
        budgets.add(GLOBAL);
        Map<String, Double> prices = new LinkedHashMap<>();
        budgets.forEach(budget -> prices.put(budget, 0.0));
        int evaluations = 1;
        Map<String, Spend> spend = spend(options, prices);
        if (feasible(spend)) {
            return new Allocation(choose(options, prices), prices, spend, evaluations);
        }
        Row bound = options.where(col("cost").gt(0)).agg(max(col("value").divide(col("cost")))).first();
        double top = (bound.isNullAt(0) ? 0 : bound.getDouble(0)) * (1 + 1e-9) + 1e-12;
        Map<String, Double> low = new LinkedHashMap<>();
        Map<String, Double> high = new LinkedHashMap<>();
        budgets.forEach(budget -> {
            low.put(budget, 0.0);
            high.put(budget, top);
        });
        for (int step = 0; step < bisectionSteps; step++) {
            Map<String, Double> middle = new LinkedHashMap<>();
            budgets.forEach(budget -> middle.put(budget, (low.get(budget) + high.get(budget)) / 2));
            Map<String, Spend> atMiddle = spend(options, middle);
            evaluations++;
            for (String budget : budgets) {
                if (atMiddle.getOrDefault(budget, Spend.NONE).spend() > limit(budget)) {
                    low.put(budget, middle.get(budget));
                } else {
                    high.put(budget, middle.get(budget));
                }
            }
        }
        // the feasible side; a budget that was never exceeded during the search does not bind
        budgets.forEach(budget -> prices.put(budget, low.get(budget) == 0.0 ? 0.0 : high.get(budget)));
        spend = spend(options, prices);
        evaluations++;
        for (int round = 0; !feasible(spend); round++) {
            for (String budget : budgets) {
                if (spend.getOrDefault(budget, Spend.NONE).spend() > limit(budget)) {
                    prices.put(budget, round >= REPAIR_ROUNDS ? top : (prices.get(budget) + top) / 2);
                }
            }
            spend = spend(options, prices);
            evaluations++;
            if (round > REPAIR_ROUNDS + budgets.size() + 1) {
                throw new IllegalStateException("budget prices did not reach a feasible allocation: " + prices + " spend " + spend);
            }
        }
        LOG.info("budget prices {} after {} aggregates", prices, evaluations);
        return new Allocation(choose(options, prices), prices, spend, evaluations);
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
