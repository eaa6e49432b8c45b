package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/** The ranker's features of four candidates of two customers, each value worked out by hand from seven lines. */
class RankerFeaturesTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.parse("2025-06-30");
    private static final double MISSING = RankerFeatures.MISSING_RANK;

    /** A line {@code age} days before the as-of date (the columns of {@link ProductLines#of} the features read). */
    private static Row line(String customer, String product, int age, String basket, double unitPrice) {
        return RowFactory.create(customer, product, Date.valueOf(AS_OF.minusDays(age)), basket, age, unitPrice);
    }

    private static Dataset<Row> lines() {
        StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("product_id", DataTypes.StringType)
                .add("purchase_date", DataTypes.DateType).add("basket", DataTypes.StringType)
                .add("age_days", DataTypes.IntegerType).add("unit_price", DataTypes.DoubleType);
        return spark().createDataFrame(List.of(
                // A: P1 twice in one basket (one product-day), P2 in the same basket, P1 again 40 days ago, P3 200 days ago
                line("A", "P1", 5, "b1", 2.0), line("A", "P1", 5, "b1", 2.0), line("A", "P2", 5, "b1", 4.0),
                line("A", "P1", 40, "b2", 2.0), line("A", "P3", 200, "b3", 10.0),
                // B: P1 and P2 10 days ago in one basket, P2 100 days ago at no price (left out of the prices)
                line("B", "P1", 10, "b4", 3.0), line("B", "P2", 10, "b4", 5.0), line("B", "P2", 100, "b5", 0.0)), schema);
    }

    /** Candidate scores: buy-again, ALS, co-occurrence, popularity, own vector, neighbours' vector. */
    private static Row candidate(String customer, String product, boolean repeat, Integer daysSinceLast, Double cycle, Long purchaseDays,
            double... scores) {
        return RowFactory.create(customer, product, repeat, daysSinceLast == null ? null : Date.valueOf(AS_OF.minusDays(daysSinceLast)),
                cycle, purchaseDays, scores[0], scores[1], scores[2], scores[3], scores[4], scores[5]);
    }

    private static Dataset<Row> candidates() {
        StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("product_id", DataTypes.StringType)
                .add("is_repeat", DataTypes.BooleanType).add("last_purchase_date", DataTypes.DateType)
                .add("cycle_days", DataTypes.DoubleType).add("purchase_days", DataTypes.LongType);
        for (String score : RankerFeatures.SOURCE_SCORES) {
            schema = schema.add(score, DataTypes.DoubleType);
        }
        return spark().createDataFrame(List.of(
                candidate("A", "P1", true, 5, 35.0, 2L, 0.9, 0.0, 0.0, 0.1, 0.5, 0.2),
                candidate("A", "P2", true, 5, null, 1L, 0.3, 0.0, 0.0, 0.2, 0.4, 0.3),
                candidate("B", "P2", true, 10, 90.0, 2L, 0.4, 0.2, 0.0, 0.2, 0.3, 0.1),
                candidate("B", "P3", false, null, null, null, 0.0, 0.7, 0.05, 0.3, 0.0, 0.4)), schema);
    }

    private static Map<String, Row> features() {
        Map<String, Row> rows = new HashMap<>();
        for (Row row : RankerFeatures.of(candidates(), lines(), AS_OF).collectAsList()) {
            rows.put(row.<String>getAs("customer_id") + "/" + row.<String>getAs("product_id"), row);
        }
        return rows;
    }

    private static void assertFeatures(Map<String, Double> expected, Row row) {
        assertEquals(RankerFeatures.FEATURES.size(), expected.size(), "every feature is stated");
        for (String feature : RankerFeatures.FEATURES) {
            assertEquals(expected.get(feature), row.<Double>getAs(feature), 1e-12, feature);
        }
    }

    @Test
    void everyFeatureOfEachCandidateIsTheHandWorkedValue() {
        Map<String, Row> rows = features();
        assertEquals(4, rows.size());

        // Products, over both customers' distinct product-days (age < 30 recent, 30..119 earlier):
        // P1: A on days 5 and 40 (repeat), B on day 10; recent buyers A, B; earlier buyer A.
        // P2: A on day 5, B on days 10 and 100 (repeat); recent A, B; earlier B. P3: A on day 200 only.
        double p12RepeatRate = (1 + 1.0) / (2 + 2.0);
        double p12LogBuyers = Math.log1p(2);
        double p12Trend = Math.log((2 + 1.0) / (1 / 3.0 + 1.0));
        // Median prices of the lines above 0: P1 2, 2, 2, 3 -> 2; P2 4, 5 -> 4; P3 10.
        // A: days 5, 40, 200; 3 products over 4 product-days; baskets of 2, 1, 1 products; mean price (2+2+4+2+10)/5 = 4.
        // B: days 10, 100; 2 products over 3 product-days; baskets of 2 and 1 products; mean price (3+5)/2 = 4.
        Map<String, Double> customerA = Map.of("customer_repeat_share", 1 - 3 / 4.0, "customer_basket_size", 4 / 3.0,
                "customer_purchase_days", 3.0, "customer_recency_days", 5.0, "customer_tenure_days", 200.0);
        Map<String, Double> customerB = Map.of("customer_repeat_share", 1 - 2 / 3.0, "customer_basket_size", 1.5,
                "customer_purchase_days", 2.0, "customer_recency_days", 10.0, "customer_tenure_days", 100.0);

        Map<String, Double> aP1 = new HashMap<>(customerA);
        aP1.putAll(Map.of("buy_again_score", 0.9, "buy_again_rank", 1.0, "collaborative_score", 0.0, "collaborative_rank", MISSING,
                "co_occurrence_score", 0.0, "co_occurrence_rank", MISSING, "popularity_score", 0.1, "popularity_rank", 2.0,
                "own_vector", 0.5, "own_vector_rank", 1.0));
        aP1.putAll(Map.of("neighbour_vector", 0.2, "neighbour_vector_rank", 2.0, "repeat", 1.0, "purchase_days", 2.0,
                "log_days_since_last", Math.log1p(5), "cycle_days", 35.0, "overdue_ratio", 5 / 35.0,
                "product_repeat_rate", p12RepeatRate, "product_log_buyers", p12LogBuyers, "product_trend", p12Trend));
        aP1.put("price_ratio", Math.log(2 / 4.0));
        assertFeatures(aP1, rows.get("A/P1"));

        // No cycle of its own: cycle and overdue ratio 0.
        Map<String, Double> aP2 = new HashMap<>(customerA);
        aP2.putAll(Map.of("buy_again_score", 0.3, "buy_again_rank", 2.0, "collaborative_score", 0.0, "collaborative_rank", MISSING,
                "co_occurrence_score", 0.0, "co_occurrence_rank", MISSING, "popularity_score", 0.2, "popularity_rank", 1.0,
                "own_vector", 0.4, "own_vector_rank", 2.0));
        aP2.putAll(Map.of("neighbour_vector", 0.3, "neighbour_vector_rank", 1.0, "repeat", 1.0, "purchase_days", 1.0,
                "log_days_since_last", Math.log1p(5), "cycle_days", 0.0, "overdue_ratio", 0.0,
                "product_repeat_rate", p12RepeatRate, "product_log_buyers", p12LogBuyers, "product_trend", p12Trend));
        aP2.put("price_ratio", Math.log(4 / 4.0));
        assertFeatures(aP2, rows.get("A/P2"));

        Map<String, Double> bP2 = new HashMap<>(customerB);
        bP2.putAll(Map.of("buy_again_score", 0.4, "buy_again_rank", 1.0, "collaborative_score", 0.2, "collaborative_rank", 2.0,
                "co_occurrence_score", 0.0, "co_occurrence_rank", MISSING, "popularity_score", 0.2, "popularity_rank", 2.0,
                "own_vector", 0.3, "own_vector_rank", 1.0));
        bP2.putAll(Map.of("neighbour_vector", 0.1, "neighbour_vector_rank", 2.0, "repeat", 1.0, "purchase_days", 2.0,
                "log_days_since_last", Math.log1p(10), "cycle_days", 90.0, "overdue_ratio", 10 / 90.0,
                "product_repeat_rate", p12RepeatRate, "product_log_buyers", p12LogBuyers, "product_trend", p12Trend));
        bP2.put("price_ratio", Math.log(4 / 4.0));
        assertFeatures(bP2, rows.get("B/P2"));

        // Never bought by B: no history features; P3 has one buyer, no repeat, no recent or earlier buyer.
        Map<String, Double> bP3 = new HashMap<>(customerB);
        bP3.putAll(Map.of("buy_again_score", 0.0, "buy_again_rank", MISSING, "collaborative_score", 0.7, "collaborative_rank", 1.0,
                "co_occurrence_score", 0.05, "co_occurrence_rank", 1.0, "popularity_score", 0.3, "popularity_rank", 1.0,
                "own_vector", 0.0, "own_vector_rank", MISSING));
        bP3.putAll(Map.of("neighbour_vector", 0.4, "neighbour_vector_rank", 1.0, "repeat", 0.0, "purchase_days", 0.0,
                "log_days_since_last", 0.0, "cycle_days", 0.0, "overdue_ratio", 0.0,
                "product_repeat_rate", 1 / 3.0, "product_log_buyers", Math.log1p(1), "product_trend", 0.0));
        bP3.put("price_ratio", Math.log(10 / 4.0));
        assertFeatures(bP3, rows.get("B/P3"));
    }
}
