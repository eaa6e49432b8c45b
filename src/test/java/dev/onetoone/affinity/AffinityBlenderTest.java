package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class AffinityBlenderTest extends SparkTestSupport {

    /** customer, product, category, buy_again, collaborative, co_occurrence, popularity. */
    private static Dataset<Row> candidates(String... rows) {
        return spark().sql("SELECT customer_id, product_id, category, false AS is_repeat, CAST(NULL AS DATE) AS last_purchase_date, "
                + "CAST(NULL AS DATE) AS due_date, CAST(b AS DOUBLE) AS buy_again_score, CAST(c AS DOUBLE) AS collaborative_score, "
                + "CAST(o AS DOUBLE) AS co_occurrence_score, CAST(p AS DOUBLE) AS popularity_score FROM VALUES "
                + String.join(", ", rows) + " AS t(customer_id, product_id, category, b, c, o, p)");
    }

    private static List<String> ranked(Dataset<Row> rows, String customer) {
        var out = new ArrayList<String>();
        for (Row row : rows.where("customer_id = '" + customer + "'").orderBy("rank").collectAsList()) {
            out.add(row.<Integer>getAs("rank") + ":" + row.getAs("product_id") + ":" + row.getAs("source") + ":"
                    + String.format(java.util.Locale.ROOT, "%.4f", row.<Double>getAs("score")));
        }
        return out;
    }

    @Test
    void weightsScoresNamesTheLargestContributionAndRanks() {
        var weights = new BlendWeights(Map.of(AffinitySource.BUY_AGAIN, 1.0, AffinitySource.COLLABORATIVE, 0.5,
                AffinitySource.CO_OCCURRENCE, 0.25, AffinitySource.POPULARITY, 0.25));
        Dataset<Row> rows = AffinityBlender.rank(candidates(
                "('c', 'A', 'x', 0.8, 0.0, 0.0, 0.0)",   // 1 - 0.2 = 0.8, due_repeat
                "('c', 'B', 'y', 0.1, 1.0, 0.0, 0.0)",   // 1 - 0.9 * 0.5 = 0.55, similar_customers (0.5 > 0.1)
                "('c', 'C', 'z', 0.0, 0.0, 1.0, 1.0)",   // 1 - 0.75 * 0.75 = 0.4375, tie: bought_together before popular
                "('c', 'D', 'z', 0.0, 0.0, 0.0, 0.0)"),  // 0: dropped
                weights, 10, 10);
        assertEquals(List.of("1:A:due_repeat:0.8000", "2:B:similar_customers:0.5500", "3:C:bought_together:0.4375"), ranked(rows, "c"));
    }

    @Test
    void aProductTheCustomerBoughtIsScoredByTheirOwnHistoryWhenBuyAgainTakesPart() {
        Dataset<Row> rows = spark().sql("SELECT customer_id, product_id, category, is_repeat, CAST(NULL AS DATE) AS last_purchase_date, "
                + "CAST(NULL AS DATE) AS due_date, CAST(b AS DOUBLE) AS buy_again_score, CAST(c AS DOUBLE) AS collaborative_score, "
                + "0D AS co_occurrence_score, 0D AS popularity_score FROM VALUES "
                + "('c', 'R', 'x', true, 0.3, 1.0), ('c', 'N', 'x', false, 0.0, 1.0) AS t(customer_id, product_id, category, is_repeat, b, c)");
        var weights = new BlendWeights(Map.of(AffinitySource.BUY_AGAIN, 1.0, AffinitySource.COLLABORATIVE, 0.5));
        // R: own history only, 0.3. N: 1 - (1 - 0.5) = 0.5.
        assertEquals(List.of("1:N:similar_customers:0.5000", "2:R:due_repeat:0.3000"), ranked(AffinityBlender.rank(rows, weights, 10, 10), "c"));
        // Without buy-again (an ablation), ALS scores the bought product too.
        assertEquals(List.of("1:N:similar_customers:1.0000", "2:R:similar_customers:1.0000"),
                ranked(AffinityBlender.rank(rows, BlendWeights.only(AffinitySource.COLLABORATIVE), 10, 10), "c"));
    }

    @Test
    void capsEachCategoryAndTheListLength() {
        var weights = BlendWeights.only(AffinitySource.POPULARITY);
        Dataset<Row> rows = AffinityBlender.rank(candidates(
                "('c', 'A', 'x', 0, 0, 0, 0.9)", "('c', 'B', 'x', 0, 0, 0, 0.8)", "('c', 'C', 'x', 0, 0, 0, 0.7)",
                "('c', 'D', 'y', 0, 0, 0, 0.6)", "('c', 'E', 'y', 0, 0, 0, 0.6)", "('c', 'F', 'z', 0, 0, 0, 0.1)",
                "('d', 'A', 'x', 0, 0, 0, 0.5)"),
                weights, 4, 2);
        // At most two of category x; D and E tie and go by product id; four in all.
        assertEquals(List.of("1:A:popular_in_category:0.9000", "2:B:popular_in_category:0.8000",
                "3:D:popular_in_category:0.6000", "4:E:popular_in_category:0.6000"), ranked(rows, "c"));
        assertEquals(List.of("1:A:popular_in_category:0.5000"), ranked(rows, "d"));
    }

    @Test
    void productsWithoutACategoryAreNotCappedTogether() {
        var weights = BlendWeights.only(AffinitySource.POPULARITY);
        Dataset<Row> rows = AffinityBlender.rank(candidates(
                "('c', 'A', NULL, 0, 0, 0, 0.9)", "('c', 'B', NULL, 0, 0, 0, 0.8)", "('c', 'C', NULL, 0, 0, 0, 0.7)",
                "('c', 'D', 'x', 0, 0, 0, 0.6)", "('c', 'E', 'x', 0, 0, 0, 0.5)"),
                weights, 10, 1);
        // One per category: E goes (second of x); A, B and C have no category, so none of them is held back.
        assertEquals(List.of("1:A:popular_in_category:0.9000", "2:B:popular_in_category:0.8000",
                "3:C:popular_in_category:0.7000", "4:D:popular_in_category:0.6000"), ranked(rows, "c"));
    }

    @Test
    void keepsTheBestNewProductsBelowTheTopK() {
        Dataset<Row> scored = spark().sql("SELECT customer_id, product_id, CAST(NULL AS STRING) AS category, is_repeat, CAST(score AS DOUBLE) AS score "
                + "FROM VALUES ('c', 'R1', true, 0.9), ('c', 'N1', false, 0.8), ('c', 'R2', true, 0.7), ('c', 'R3', true, 0.6), "
                + "('c', 'N2', false, 0.5), ('c', 'R4', true, 0.4), ('c', 'N3', false, 0.3), ('c', 'N4', false, 0.2) "
                + "AS t(customer_id, product_id, is_repeat, score)");
        // The top 3 by score (R1, N1, R2), then the new products N2 and N3, the best two after N1 (ranks 5 and 7).
        assertEquals(List.of("1:R1:-", "2:N1:1", "3:R2:-", "5:N2:2", "7:N3:3"), withNewRank(AffinityBlender.rankByScore(scored, 3, 10, 3)));
        // New products already in the top k count towards the number kept.
        assertEquals(List.of("1:R1:-", "2:N1:1", "3:R2:-", "4:R3:-", "5:N2:2"), withNewRank(AffinityBlender.rankByScore(scored, 5, 10, 2)));
        // 0: the top k alone, new products still numbered among themselves.
        assertEquals(List.of("1:R1:-", "2:N1:1"), withNewRank(AffinityBlender.rankByScore(scored, 2, 10, 0)));
    }

    private static List<String> withNewRank(Dataset<Row> rows) {
        var out = new ArrayList<String>();
        for (Row row : rows.orderBy("rank").collectAsList()) {
            Object newRank = row.getAs("new_rank");
            out.add(row.<Integer>getAs("rank") + ":" + row.getAs("product_id") + ":" + (newRank == null ? "-" : newRank));
        }
        return out;
    }

    @Test
    void ablationWeightsLeaveOneScorerOut() {
        BlendWeights all = new BlendWeights(Map.of(AffinitySource.BUY_AGAIN, 1.0, AffinitySource.COLLABORATIVE, 0.5));
        assertEquals(0.0, all.without(AffinitySource.COLLABORATIVE).weight(AffinitySource.COLLABORATIVE));
        assertEquals(1.0, all.without(AffinitySource.COLLABORATIVE).total());
        assertEquals(1.0, BlendWeights.only(AffinitySource.CO_OCCURRENCE).weight(AffinitySource.CO_OCCURRENCE));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BlendWeights(Map.of(AffinitySource.BUY_AGAIN, 0.0)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BlendWeights(Map.of(AffinitySource.BUY_AGAIN, 1.5)));
    }
}
