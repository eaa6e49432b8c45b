package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class ReasonsTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");

    @Test
    void reasonsNameTheCycleOrTheStrongestDiscoverySource() {
        // Columns: product, is_repeat, purchase_days, cycle_days, last_purchase_date, co-occurrence, neighbour, ALS,
        // popularity, co_occurrence_with, category.
        var candidates = spark().sql("SELECT 'u' AS customer_id, * FROM VALUES "
                + "('cycle', true, 4, 21.0, DATE'2025-03-06', 0.0, 0.0, 0.0, 0.0, CAST(NULL AS STRING), CAST(NULL AS STRING)), "
                + "('often', true, 5, 9.0, DATE'2025-03-29', 0.0, 0.0, 0.0, 0.0, CAST(NULL AS STRING), CAST(NULL AS STRING)), "
                + "('once', true, 1, 30.0, DATE'2025-02-19', 0.0, 0.0, 0.0, 0.0, CAST(NULL AS STRING), CAST(NULL AS STRING)), "
                + "('with', false, 0, CAST(NULL AS DOUBLE), CAST(NULL AS DATE), 0.8, 0.1, 0.0, 0.0, 'Tea pot', CAST(NULL AS STRING)), "
                + "('near', false, 0, CAST(NULL AS DOUBLE), CAST(NULL AS DATE), 0.4, 0.2, 0.0, 0.0, 'Tea pot', CAST(NULL AS STRING)), "
                + "('als', false, 0, CAST(NULL AS DOUBLE), CAST(NULL AS DATE), 0.0, 0.0, 0.5, 0.1, CAST(NULL AS STRING), 'garden'), "
                + "('pop', false, 0, CAST(NULL AS DOUBLE), CAST(NULL AS DATE), 0.0, 0.0, 0.0, 0.2, CAST(NULL AS STRING), 'garden') "
                + "AS t(product_id, is_repeat, purchase_days, cycle_days, last_purchase_date, co_occurrence_score, neighbour_vector, "
                + "collaborative_score, popularity_score, co_occurrence_with, category)");
        Map<String, String> reasons = new HashMap<>();
        Map<String, String> sources = new HashMap<>();
        for (Row row : Reasons.explain(candidates, AS_OF).collectAsList()) {
            reasons.put(row.getAs("product_id"), row.getAs("reason"));
            sources.put(row.getAs("product_id"), row.getAs("source"));
        }
        assertEquals("you buy this about every 3 weeks; last bought 25 days ago", reasons.get("cycle"));
        assertEquals("you buy this about every 9 days; last bought 2 days ago", reasons.get("often"));
        assertEquals("you bought this 40 days ago", reasons.get("once"));
        // Scaled to the customer's best of each source: 'with' has co-occurrence 0.8 / 0.8 = 1 against neighbours 0.5.
        assertEquals("often bought with Tea pot", reasons.get("with"));
        // 'near': co-occurrence 0.4 / 0.8 = 0.5 against neighbours 0.2 / 0.2 = 1.
        assertEquals("customers who buy what you buy also buy this", reasons.get("near"));
        assertEquals("customers with similar taste buy this", reasons.get("als"));
        assertEquals("popular in garden", reasons.get("pop"));
        assertEquals("due_repeat", sources.get("cycle"));
        assertEquals("bought_together", sources.get("with"));
        assertEquals("similar_customers", sources.get("near"));
        assertEquals("popular_in_category", sources.get("pop"));
    }

    @Test
    void aCarriedRankingCountsTheDaysOfItsRepeatReasonsToTheNewDate() {
        // Written on 2025-03-31; carried to 2025-04-07, a week later. "every 3 weeks" stays: it is no day count.
        var carried = spark().sql("SELECT * FROM VALUES "
                + "('cycle', true, DATE'2025-03-06', 'you buy this about every 3 weeks; last bought 25 days ago'), "
                + "('once', true, DATE'2025-02-19', 'you bought this 40 days ago'), "
                + "('with', false, CAST(NULL AS DATE), 'often bought with 10 days ago mug') "
                + "AS t(product_id, is_repeat, last_purchase_date, reason)");
        Map<String, String> reasons = new HashMap<>();
        for (Row row : Reasons.countDaysTo(carried, AS_OF.plusDays(7)).collectAsList()) {
            reasons.put(row.getAs("product_id"), row.getAs("reason"));
        }
        assertEquals("you buy this about every 3 weeks; last bought 32 days ago", reasons.get("cycle"));
        assertEquals("you bought this 47 days ago", reasons.get("once"));
        assertEquals("often bought with 10 days ago mug", reasons.get("with"), "a new product's reason counts no days");
    }
}
