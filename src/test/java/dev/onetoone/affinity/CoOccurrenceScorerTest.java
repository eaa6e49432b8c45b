package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.config.OneToOneConfig.AffinityConfig;
import dev.onetoone.config.OneToOneConfig.CoOccurrenceConfig;
import dev.onetoone.testing.SparkTestSupport;

class CoOccurrenceScorerTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");

    private static AffinityConfig settings(int minBaskets, int maxBasketProducts) {
        AffinityConfig defaults = testConfig().affinity();
        return defaults.withCoOccurrence(new CoOccurrenceConfig(minBaskets, defaults.coOccurrence().neighbours(), maxBasketProducts));
    }

    @Test
    void jaccardFromBasketsWithSupportAndBasketSizeLimits() {
        var data = new AffinityTestData().product("A", "x", true).product("B", "x", true).product("C", "y", true)
                .buy("u1", "A", "x", "2025-03-01", "t1").buy("u1", "B", "x", "2025-03-01", "t1")
                .buy("u2", "A", "x", "2025-03-02", "t2").buy("u2", "B", "x", "2025-03-02", "t2")
                .buy("u3", "A", "x", "2025-03-03", "t3").buy("u3", "C", "y", "2025-03-03", "t3")
                .buy("u4", "B", "x", "2025-03-04", "t4")
                // A bulk basket with four products, above the limit of three: left out of every count.
                .buy("u5", "A", "x", "2025-03-05", "t5").buy("u5", "B", "x", "2025-03-05", "t5")
                .buy("u5", "C", "y", "2025-03-05", "t5").buy("u5", "D", "y", "2025-03-05", "t5");
        var lines = ProductLines.of(data.transactions(), data.products(), AS_OF, 90.0);
        Map<String, Double> similarity = new HashMap<>();
        for (Row row : CoOccurrenceScorer.similarity(lines, settings(2, 3)).collectAsList()) {
            similarity.put(row.getAs("product_id") + "-" + row.getAs("neighbour_id"), row.getAs("similarity"));
        }
        // A in t1, t2, t3; B in t1, t2, t4; both in t1, t2: Jaccard 2 / (3 + 3 - 2).
        assertEquals(0.5, similarity.get("A-B"), 1e-12);
        assertEquals(0.5, similarity.get("B-A"), 1e-12);
        // A and C share one basket only: below the minimum of two.
        assertFalse(similarity.containsKey("A-C"));
        assertEquals(2, similarity.size());

        // u4 bought B only: A is recommended with score 1 after scaling; B itself is not its own neighbour.
        var customers = spark().sql("SELECT 'u4' AS customer_id");
        var scored = CoOccurrenceScorer.score(lines, customers, settings(2, 3)).collectAsList();
        assertEquals(1, scored.size());
        assertEquals("A", scored.get(0).getAs("product_id"));
        assertEquals(1.0, scored.get(0).<Double>getAs("co_occurrence_score"), 1e-12);
    }
}
