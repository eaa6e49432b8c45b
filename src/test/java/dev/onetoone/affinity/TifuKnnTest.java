package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.config.OneToOneConfig.RankerConfig;
import dev.onetoone.config.OneToOneConfig.TifuConfig;
import dev.onetoone.testing.SparkTestSupport;

class TifuKnnTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");
    /** m = 2, r_b = 0.8, r_g = 0.6, k = 1, alpha = 0.5. */
    private static final RankerConfig SETTINGS = new RankerConfig(List.of(), 7, "auto", 1000, new TifuConfig(2, 0.8, 0.6, 1, 0.5, 1000, 100));

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

    /** 60 customers buying 1-4 baskets of 1-3 of 12 products over March 2025, drawn with a fixed seed. */
    private static AffinityTestData randomData() {
        var data = new AffinityTestData();
        for (int p = 0; p < 12; p++) {
            data.product("P" + p, "c", true);
        }
        Random random = new Random(7);
        for (int c = 0; c < 60; c++) {
            int baskets = 1 + random.nextInt(4);
            for (int b = 0; b < baskets; b++) {
                String day = LocalDate.parse("2025-03-01").plusDays(random.nextInt(28)).toString();
                Set<Integer> items = new HashSet<>();
                int size = 1 + random.nextInt(3);
                while (items.size() < size) {
                    // Skewed towards the first products, so that some are bought by most customers.
                    items.add(Math.min(random.nextInt(12), random.nextInt(12)));
                }
                for (int item : items) {
                    data.buy("c" + c, "P" + item, "c", day, "c" + c + "-" + b);
                }
            }
        }
        return data;
    }

    /**
     * TIFU-KNN by brute force over the collected own vectors (eq. 4 and 5): cosine similarity to every other customer
     * of the pool sharing a product, the k most similar (ties by id), their summed vectors divided by k.
     */
    private static Map<String, double[]> bruteForce(Map<String, Map<String, Double>> vectors, Set<String> pool, Set<String> wanted,
            int k, double alpha, int maxProducts) {
        Map<String, double[]> expected = new HashMap<>();
        for (String customer : wanted) {
            Map<String, Double> mine = vectors.get(customer);
            List<Map.Entry<String, Double>> similar = new ArrayList<>();
            for (String other : pool) {
                if (other.equals(customer)) {
                    continue;
                }
                Map<String, Double> theirs = vectors.get(other);
                double dot = 0;
                for (var entry : mine.entrySet()) {
                    dot += entry.getValue() * theirs.getOrDefault(entry.getKey(), 0.0);
                }
                if (dot > 0) {
                    similar.add(Map.entry(other, dot / (norm(mine) * norm(theirs))));
                }
            }
            similar.sort(Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue).reversed().thenComparing(Map.Entry::getKey));
            Map<String, Double> neighbourSum = new TreeMap<>();
            for (var neighbour : similar.subList(0, Math.min(k, similar.size()))) {
                vectors.get(neighbour.getKey()).forEach((product, value) -> neighbourSum.merge(product, value, Double::sum));
            }
            for (var entry : mine.entrySet()) {
                double neighbourVector = neighbourSum.getOrDefault(entry.getKey(), 0.0) / k;
                expected.put(customer + "/" + entry.getKey(),
                        new double[] {entry.getValue(), neighbourVector, alpha * entry.getValue() + (1 - alpha) * neighbourVector});
            }
            neighbourSum.entrySet().stream().filter(entry -> !mine.containsKey(entry.getKey()))
                    .sorted(Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue).reversed().thenComparing(Map.Entry::getKey))
                    .limit(maxProducts)
                    .forEach(entry -> expected.put(customer + "/" + entry.getKey(),
                            new double[] {0.0, entry.getValue() / k, (1 - alpha) * entry.getValue() / k}));
        }
        return expected;
    }

    private static double norm(Map<String, Double> vector) {
        return Math.sqrt(vector.values().stream().mapToDouble(value -> value * value).sum());
    }

    private static void assertScores(Map<String, double[]> expected, List<Row> rows) {
        assertEquals(expected.size(), rows.size(), "rows");
        for (Row row : rows) {
            double[] want = expected.get(row.getAs("customer_id") + "/" + row.getAs("product_id"));
            assertTrue(want != null, () -> "unexpected row " + row);
            assertEquals(want[0], (double) row.getAs("own_vector"), 1e-12, row::toString);
            assertEquals(want[1], (double) row.getAs("neighbour_vector"), 1e-12, row::toString);
            assertEquals(want[2], (double) row.getAs("tifu_score"), 1e-12, row::toString);
        }
    }

    @Test
    void searchOverAPoolHoldingEveryCustomerIsTheExactSearch() {
        var settings = new RankerConfig(List.of(), 7, "auto", 1000, new TifuConfig(2, 0.8, 0.6, 5, 0.7, 1000, 3));
        var lines = ProductLines.of(randomData().transactions(), randomData().products(), AS_OF, 90.0);
        var vectors = TifuKnn.ownVectors(lines, settings);
        Map<String, Map<String, Double>> own = new HashMap<>();
        for (Row row : vectors.collectAsList()) {
            own.computeIfAbsent(row.getAs("customer_id"), id -> new HashMap<>()).put(row.getAs("product_id"), row.getAs("own_vector"));
        }
        Set<String> wanted = Set.of("c0", "c1", "c2", "c3", "c10", "c59");
        var customers = spark().createDataset(List.copyOf(wanted), org.apache.spark.sql.Encoders.STRING()).toDF("customer_id");
        List<Row> rows = TifuKnn.score(vectors, customers, settings).collectAsList();
        assertScores(bruteForce(own, own.keySet(), wanted, 5, 0.7, 3), rows);
    }

    @Test
    void aSmallerPoolLimitsTheSearchToThePoolsCustomers() {
        var settings = new RankerConfig(List.of(), 7, "auto", 1000, new TifuConfig(2, 0.8, 0.6, 5, 0.7, 20, 100));
        var lines = ProductLines.of(randomData().transactions(), randomData().products(), AS_OF, 90.0);
        var vectors = TifuKnn.ownVectors(lines, settings);
        Map<String, Map<String, Double>> own = new HashMap<>();
        for (Row row : vectors.collectAsList()) {
            own.computeIfAbsent(row.getAs("customer_id"), id -> new HashMap<>()).put(row.getAs("product_id"), row.getAs("own_vector"));
        }
        // The pool's definition: the first pool-size customers in order of xxhash64 of the id.
        Set<String> pool = new HashSet<>(vectors.select("customer_id").distinct()
                .orderBy(org.apache.spark.sql.functions.xxhash64(org.apache.spark.sql.functions.col("customer_id")), org.apache.spark.sql.functions.col("customer_id"))
                .limit(20).as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertEquals(20, pool.size());
        Set<String> wanted = own.keySet();
        var customers = spark().createDataset(List.copyOf(wanted), org.apache.spark.sql.Encoders.STRING()).toDF("customer_id");
        List<Row> rows = TifuKnn.score(vectors, customers, settings).collectAsList();
        assertScores(bruteForce(own, pool, wanted, 5, 0.7, 100), rows);
        // And it is not the exact search: the pool really bounds it.
        Map<String, double[]> exact = bruteForce(own, own.keySet(), wanted, 5, 0.7, 100);
        assertFalse(rows.size() == exact.size() && sameScores(exact, rows), "a pool of 20 of 60 customers changed no score");
    }

    @Test
    void scoringFromTheLinesGivesTheScoresOfTheSearchOverEveryCustomersVectors() {
        var settings = new RankerConfig(List.of(), 7, "auto", 1000, new TifuConfig(2, 0.8, 0.6, 5, 0.7, 20, 100));
        var lines = ProductLines.of(randomData().transactions(), randomData().products(), AS_OF, 90.0);
        Map<String, Map<String, Double>> own = new HashMap<>();
        for (Row row : TifuKnn.ownVectors(lines, settings).collectAsList()) {
            own.computeIfAbsent(row.getAs("customer_id"), id -> new HashMap<>()).put(row.getAs("product_id"), row.getAs("own_vector"));
        }
        Set<String> pool = new HashSet<>(lines.select("customer_id").distinct()
                .orderBy(org.apache.spark.sql.functions.xxhash64(org.apache.spark.sql.functions.col("customer_id")), org.apache.spark.sql.functions.col("customer_id"))
                .limit(20).as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        // Three customers outside the pool and one in it: the vectors of the other 36 are never needed.
        Set<String> wanted = new HashSet<>();
        own.keySet().stream().filter(id -> !pool.contains(id)).sorted().limit(3).forEach(wanted::add);
        wanted.add(pool.stream().sorted().findFirst().orElseThrow());
        var customers = spark().createDataset(List.copyOf(wanted), org.apache.spark.sql.Encoders.STRING()).toDF("customer_id");
        List<Row> rows = TifuKnn.scoreFromLines(lines, customers, settings).collectAsList();
        assertEquals(wanted, rows.stream().map(row -> row.<String>getAs("customer_id")).collect(java.util.stream.Collectors.toSet()));
        assertScores(bruteForce(own, pool, wanted, 5, 0.7, 100), rows);
    }

    private static boolean sameScores(Map<String, double[]> expected, List<Row> rows) {
        for (Row row : rows) {
            double[] want = expected.get(row.getAs("customer_id") + "/" + row.getAs("product_id"));
            if (want == null || Math.abs(want[2] - (double) row.<Double>getAs("tifu_score")) > 1e-12) {
                return false;
            }
        }
        return true;
    }
}
