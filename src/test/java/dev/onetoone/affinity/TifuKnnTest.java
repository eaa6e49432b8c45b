package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.config.OneToOneConfig.RankerConfig;
import dev.onetoone.testing.SparkTestSupport;

class TifuKnnTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");
    /** m = 2, r_b = 0.8, r_g = 0.6, k = 1, alpha = 0.5. */
    private static final RankerConfig SETTINGS = new RankerConfig(List.of(), 7, "auto", 1000, 2, 0.8, 0.6, 1, 0.5);

    private static AffinityTestData data() {
        return new AffinityTestData().product("X", "c", true).product("Y", "c", true).product("Z", "c", true).product("W", "c", true)
                // a: three baskets, oldest first: {X}, {X, Y}, {Y}.
                .buy("a", "X", "c", "2025-03-01", "a1")
                .buy("a", "X", "c", "2025-03-02", "a2").buy("a", "Y", "c", "2025-03-02", "a2")
                .buy("a", "Y", "c", "2025-03-03", "a3")
                // b: one basket {X, Z}; c: one basket {W}, sharing nothing with a.
                .buy("b", "X", "c", "2025-03-04", "b1").buy("b", "Z", "c", "2025-03-04", "b1")
                .buy("c", "W", "c", "2025-03-05", "c1");
    }

    private static Map<String, Double> column(List<Row> rows, String name) {
        Map<String, Double> values = new HashMap<>();
        for (Row row : rows) {
            values.put(row.getAs("customer_id") + "/" + row.getAs("product_id"), row.getAs(name));
        }
        return values;
    }

    @Test
    void ownVectorDecaysBasketsWithinGroupsAndGroupsAcrossTheHistory() {
        var data = data();
        var lines = ProductLines.of(data.transactions(), data.products(), AS_OF, 90.0);
        Map<String, Double> own = column(TifuKnn.ownVectors(lines, SETTINGS).collectAsList(), "own_vector");
        // a's baskets newest first: a3, a2 form group 0 (2 baskets), a1 group 1 (1 basket); G = 2.
        // X: a2 (group 0, second newest) 0.6^0 * 0.8^1 / 2 / 2 = 0.2, a1 (group 1) 0.6^1 * 0.8^0 / 1 / 2 = 0.3.
        assertEquals(0.5, own.get("a/X"), 1e-12);
        // Y: a3 1 / 2 / 2 = 0.25, a2 0.8 / 2 / 2 = 0.2.
        assertEquals(0.45, own.get("a/Y"), 1e-12);
        assertEquals(1.0, own.get("b/Z"), 1e-12);
    }

    @Test
    void predictionBlendsOwnVectorWithTheNearestCustomersMean() {
        var data = data();
        var lines = ProductLines.of(data.transactions(), data.products(), AS_OF, 90.0);
        var customers = spark().sql("SELECT 'a' AS customer_id");
        List<Row> rows = TifuKnn.score(TifuKnn.ownVectors(lines, SETTINGS), customers, SETTINGS).collectAsList();
        Map<String, Double> score = column(rows, "tifu_score");
        // The one nearest customer of a is b (shares X); c shares nothing. b's vector: X 1, Z 1.
        assertEquals(0.5 * 0.5 + 0.5 * 1.0, score.get("a/X"), 1e-12);
        assertEquals(0.5 * 0.45, score.get("a/Y"), 1e-12);
        assertEquals(0.5 * 1.0, score.get("a/Z"), 1e-12);
        assertFalse(score.containsKey("a/W"));
        assertEquals(3, rows.size());
    }
}
