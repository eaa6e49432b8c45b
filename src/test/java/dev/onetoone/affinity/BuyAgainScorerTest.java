package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class BuyAgainScorerTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.parse("2025-01-26");
    private static final int HORIZON = 30;
    private static final double K = 2.0;

    /** Half-life long enough that no decay is measurable: the rates are plain counts over days. */
    private static final double NO_DECAY = 1e9;

    private static Map<String, Row> history(AffinityTestData data, double halfLife) {
        var rows = new HashMap<String, Row>();
        var lines = ProductLines.of(data.transactions(), data.products(), AS_OF, halfLife);
        for (Row row : BuyAgainScorer.history(lines, AS_OF, HORIZON, K, halfLife).collectAsList()) {
            rows.put(row.<String>getAs("customer_id") + "/" + row.<String>getAs("product_id"), row);
        }
        return rows;
    }

    @Test
    void scoresOwnCycleAgainstTheProductsPopulationCycleAndTiming() {
        var data = new AffinityTestData()
                .product("P1", "coffee", true).product("P2", "electronics", false)
                .buy("c1", "P1", "coffee", "2025-01-01").buy("c1", "P1", "coffee", "2025-01-11").buy("c1", "P1", "coffee", "2025-01-21")
                .buy("c2", "P1", "coffee", "2025-01-21")
                .buy("c1", "P2", "electronics", "2025-01-05")
                .returned("c2", "P2", "electronics", "2025-01-06");
        Map<String, Row> rows = history(data, NO_DECAY);
        assertEquals(3, rows.size(), "a return is not a purchase");

        // Worked by hand: P1's repeat buyer c1 has 2 gaps over 20 days: population gap 10.
        double productGap = 20.0 / 2.0;
        // c1: 3 purchase days of P1; first purchase 25 days before as-of, last 5 days before; own gap 10.
        double c1Cycle = (20.0 + K * productGap) / (2 + K);
        assertEquals(10.0, c1Cycle, 1e-12);
        double scale = c1Cycle / 0.886226925452758;
        double memoryless = 1 - Math.exp(-HORIZON / c1Cycle);
        double due = 1 - Math.exp(Math.pow(5 / scale, 2) - Math.pow(35 / scale, 2));
        double timing = Math.min(1.25, Math.max(0.8, due / memoryless));
        Row c1 = rows.get("c1/P1");
        assertEquals(1 - Math.exp(-HORIZON * 3.0 / 25.0 * timing), c1.<Double>getAs("buy_again_score"), 1e-6);
        assertEquals(LocalDate.parse("2025-01-31"), c1.<java.sql.Date>getAs("due_date").toLocalDate());
        assertEquals(3L, c1.<Long>getAs("purchase_days"));

        // c2 bought once, 5 days ago, and has been a customer for 5 days: rate 1/5 per day, no timing factor.
        Row c2 = rows.get("c2/P1");
        assertEquals(1 - Math.exp(-HORIZON * 1.0 / 5.0), c2.<Double>getAs("buy_again_score"), 1e-6);
        // Cycle: (0 + 2 * 10) / 2 = 10 days after the purchase on 01-21.
        assertEquals(LocalDate.parse("2025-01-31"), c2.<java.sql.Date>getAs("due_date").toLocalDate());

        // A durable product has a rate (one purchase day in c1's 25 days) but no cycle: no timing, never due.
        Row durable = rows.get("c1/P2");
        assertEquals(1 - Math.exp(-HORIZON * 1.0 / 25.0), durable.<Double>getAs("buy_again_score"), 1e-6);
        assertNull(durable.getAs("due_date"));

        // With a 10-day half-life, c2's one purchase 5 days ago weighs 0.5^(5/10) and the exposure is the decayed sum
        // over c2's 5 days as a customer: 1 + q + q^2 + q^3 + q^4 with q = 0.5^(1/10).
        double q = Math.pow(0.5, 0.1);
        double exposure = 1 + q + q * q + q * q * q + q * q * q * q;
        Row decayed = history(data, 10.0).get("c2/P1");
        assertEquals(1 - Math.exp(-HORIZON * Math.pow(0.5, 0.5) / exposure), decayed.<Double>getAs("buy_again_score"), 1e-9);
    }

    @Test
    void aProductComingDueOutranksOneJustBoughtWithTheSameHistory() {
        // Two products with identical purchase counts and spans; only the time since the last purchase differs.
        var data = new AffinityTestData()
                .product("A", "dairy", true).product("B", "dairy", true)
                .buy("c", "A", "dairy", "2024-12-27").buy("c", "A", "dairy", "2025-01-06").buy("c", "A", "dairy", "2025-01-16")
                .buy("c", "B", "dairy", "2024-12-27").buy("c", "B", "dairy", "2025-01-15").buy("c", "B", "dairy", "2025-01-25");
        var lines = ProductLines.of(data.transactions(), data.products(), AS_OF, NO_DECAY);
        Map<String, Double> scores = new HashMap<>();
        for (Row row : BuyAgainScorer.history(lines, AS_OF, 7, K, NO_DECAY).collectAsList()) {
            scores.put(row.getAs("product_id"), row.getAs("buy_again_score"));
        }
        // A was last bought 10 days ago on a 10-day rhythm: due. B was bought yesterday.
        // Same rate, so the timing factors decide: A gets the upper bound 1.25, B the lower bound 0.8.
        double rate = 7 * 3.0 / 30.0;
        assertEquals(1 - Math.exp(-rate * 1.25), scores.get("A"), 1e-6);
        assertEquals(1 - Math.exp(-rate * 0.8), scores.get("B"), 1e-6);
    }
}
