package dev.onetoone.offers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/** The Lagrangian allocation against the exact optimum found by enumeration on small random instances. */
class BudgetAllocatorTest extends SparkTestSupport {
    private static final StructType SCHEMA = new StructType().add("customer_id", "string").add("campaign_id", "string")
            .add("priority", "int").add("value", "double").add("cost", "double").add("counts", "boolean").add("slots", "int");
    private static final List<String> CAMPAIGNS = List.of("a", "b");

    record Option(int customer, int campaign, double value, double cost) {
    }

    @Test
    void lagrangianAllocationIsFeasibleAndCloseToTheBruteForceOptimum() {
        Random random = new Random(20251231L);
        double totalRatio = 0;
        int instances = 3;
        for (int instance = 0; instance < instances; instance++) {
            int customers = 6;
            List<Option> options = new ArrayList<>();
            int[] slots = new int[customers];
            List<Row> rows = new ArrayList<>();
            double unconstrainedSpend = 0;
            for (int c = 0; c < customers; c++) {
                slots[c] = 1 + random.nextInt(2);
                for (int k = 0; k < CAMPAIGNS.size(); k++) {
                    for (int step = 0; step < 2; step++) {
                        var option = new Option(c, k, 0.5 + 9.5 * random.nextDouble(), 0.5 + 4.5 * random.nextDouble());
                        options.add(option);
                        unconstrainedSpend += option.cost() / 2;
                        rows.add(RowFactory.create("c" + c, CAMPAIGNS.get(k), 1, option.value(), option.cost(), true, slots[c]));
                    }
                }
            }
            double[] budgets = {unconstrainedSpend * 0.3, unconstrainedSpend * 0.4};
            double global = unconstrainedSpend * 0.5;
            Map<String, Double> campaignBudgets = new LinkedHashMap<>(Map.of("a", budgets[0], "b", budgets[1]));

            var allocation = new BudgetAllocator(campaignBudgets, global, 14).allocate(spark().createDataFrame(rows, SCHEMA));
            double[] spent = new double[2];
            double value = 0;
            for (Row row : allocation.chosen().collectAsList()) {
                spent[CAMPAIGNS.indexOf(row.<String>getAs("campaign_id"))] += row.<Double>getAs("cost");
                value += row.<Double>getAs("value");
            }
            assertTrue(spent[0] <= budgets[0] && spent[1] <= budgets[1] && spent[0] + spent[1] <= global,
                    "instance " + instance + ": spend " + spent[0] + ", " + spent[1] + " over budgets " + budgets[0] + ", " + budgets[1] + ", " + global);
            double optimum = bruteForce(options, slots, budgets, global);
            double largestOption = options.stream().mapToDouble(Option::value).max().orElse(0);
            // a Lagrangian solution of a knapsack with m coupling budgets is within m items of the optimum
            assertTrue(value >= optimum - 3 * largestOption, "instance " + instance + ": " + value + " vs optimum " + optimum);
            assertTrue(value <= optimum + 1e-9, "instance " + instance + ": above the optimum, so infeasible");
            totalRatio += value / optimum;
        }
        assertTrue(totalRatio / instances >= 0.85, "mean share of the optimum " + totalRatio / instances);
    }

    /** The best total value: each customer takes at most one option per campaign and at most slots options. */
    private static double bruteForce(List<Option> options, int[] slots, double[] budgets, double global) {
        List<List<List<Option>>> choices = new ArrayList<>();
        for (int c = 0; c < slots.length; c++) {
            List<Option> a = new ArrayList<>();
            List<Option> b = new ArrayList<>();
            for (Option option : options) {
                if (option.customer() == c) {
                    (option.campaign() == 0 ? a : b).add(option);
                }
            }
            List<List<Option>> mine = new ArrayList<>();
            mine.add(List.of());
            a.forEach(option -> mine.add(List.of(option)));
            b.forEach(option -> mine.add(List.of(option)));
            if (slots[c] >= 2) {
                for (Option x : a) {
                    for (Option y : b) {
                        mine.add(List.of(x, y));
                    }
                }
            }
            choices.add(mine);
        }
        return search(choices, 0, new double[2], budgets, global);
    }

    private static double search(List<List<List<Option>>> choices, int customer, double[] spent, double[] budgets, double global) {
        if (customer == choices.size()) {
            return 0;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (List<Option> choice : choices.get(customer)) {
            double[] next = spent.clone();
            double value = 0;
            for (Option option : choice) {
                next[option.campaign()] += option.cost();
                value += option.value();
            }
            if (next[0] <= budgets[0] && next[1] <= budgets[1] && next[0] + next[1] <= global) {
                best = Math.max(best, value + search(choices, customer + 1, next, budgets, global));
            }
        }
        return best;
    }
}
