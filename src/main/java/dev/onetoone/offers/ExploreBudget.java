package dev.onetoone.offers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The explore group's offers: each explore customer's option drawn uniformly from their qualifying options, and
 * their spend taken from the budgets before the allocator runs (explore offers are sent). A campaign whose budget
 * the draws would exceed sends no explore offer, and none is sent when they would exceed the global budget.
 */
final class ExploreBudget {
    private final OfferSettings settings;

    ExploreBudget(OfferSettings settings) {
        this.settings = settings;
    }

    /**
     * What the draw left.
     *
     * @param chosen           the explore offers kept (options with explore_options, the number drawn among)
     * @param drawn            explore customers drawn, before any budget dropped them
     * @param droppedForBudget drawn offers not sent because a budget would be exceeded
     * @param remaining        each campaign's budget left for the allocator
     * @param globalRemaining  the global budget left for the allocator
     */
    record Drawn(Dataset<Row> chosen, long drawn, long droppedForBudget, Map<String, Double> remaining, double globalRemaining,
            List<String> warnings) {
    }

    /** Draws among the explore customers' qualifying options and takes their spend from the budgets. */
    Drawn draw(Dataset<Row> exploreOptions) {
        var config = settings.offers();
        Dataset<Row> exploreChoice = choice(exploreOptions);
        Map<String, Double> exploreSpend = new LinkedHashMap<>();
        Map<String, Long> explorePicks = new LinkedHashMap<>();
        for (Row row : exploreChoice.groupBy("campaign_id").agg(sum("budget_cost"), count(lit(1))).collectAsList()) {
            exploreSpend.put(row.getString(0), row.getDouble(1));
            explorePicks.put(row.getString(0), row.getLong(2));
        }
        long picks = explorePicks.values().stream().mapToLong(Long::longValue).sum();
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
        long dropped = 0;
        List<String> warnings = new ArrayList<>();
        if (globalRemaining < 0) {
            exploreChoice = exploreChoice.limit(0);
            settings.campaigns().campaigns().forEach(c -> remaining.put(c.id(), c.budget()));
            globalRemaining = config.globalBudget();
            dropped = picks;
            warnings.add("explore offers would exceed the global budget; none sent");
        } else if (!exploreDropped.isEmpty()) {
            exploreChoice = exploreChoice.where(col("campaign_id").isin(exploreDropped.toArray()).unary_$bang());
            dropped = exploreDropped.stream().mapToLong(id -> explorePicks.getOrDefault(id, 0L)).sum();
            warnings.add("explore offers would exceed the budget of " + exploreDropped + "; none sent for them");
        }
        return new Drawn(exploreChoice, picks, dropped, remaining, globalRemaining, warnings);
    }

    /** Each explore customer's option, drawn uniformly from their qualifying options. */
    private Dataset<Row> choice(Dataset<Row> exploreOptions) {
        var config = settings.offers();
        var byCustomer = Window.partitionBy("customer_id");
        return exploreOptions
                .withColumn("explore_options", count(lit(1)).over(byCustomer))
                .withColumn("explore_pick", row_number().over(byCustomer.orderBy(
                        GroupAssignment.draw(config.salt(), "explore-choice", col("customer_id"), col("campaign_id"), col("step")), col("campaign_id"), col("step"))))
                .where(col("explore_pick").equalTo(1)).drop("explore_pick");
    }
}
