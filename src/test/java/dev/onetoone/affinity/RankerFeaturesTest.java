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

        // Scores and ranks in the order of RankerFeatures.SOURCE_SCORES: buy-again, ALS, co-occurrence, popularity,
        // own vector, neighbours' vector.
        assertFeatures(expected(customerA, new double[] {0.9, 0.0, 0.0, 0.1, 0.5, 0.2}, new double[] {1, MISSING, MISSING, 2, 1, 2},
                new double[] {1, 2, Math.log1p(5), 35, 5 / 35.0}, new double[] {p12RepeatRate, p12LogBuyers, p12Trend}, Math.log(2 / 4.0)),
                rows.get("A/P1"));
        // No cycle of its own: cycle and overdue ratio 0.
        assertFeatures(expected(customerA, new double[] {0.3, 0.0, 0.0, 0.2, 0.4, 0.3}, new double[] {2, MISSING, MISSING, 1, 2, 1},
                new double[] {1, 1, Math.log1p(5), 0, 0}, new double[] {p12RepeatRate, p12LogBuyers, p12Trend}, Math.log(4 / 4.0)),
                rows.get("A/P2"));
        assertFeatures(expected(customerB, new double[] {0.4, 0.2, 0.0, 0.2, 0.3, 0.1}, new double[] {1, 2, MISSING, 2, 1, 2},
                new double[] {1, 2, Math.log1p(10), 90, 10 / 90.0}, new double[] {p12RepeatRate, p12LogBuyers, p12Trend}, Math.log(4 / 4.0)),
                rows.get("B/P2"));
        // Never bought by B: no history features; P3 has one buyer, no repeat, no recent or earlier buyer.
        assertFeatures(expected(customerB, new double[] {0.0, 0.7, 0.05, 0.3, 0.0, 0.4}, new double[] {MISSING, 1, 1, 1, MISSING, 1},
                new double[] {0, 0, 0, 0, 0}, new double[] {1 / 3.0, Math.log1p(1), 0.0}, Math.log(10 / 4.0)),
                rows.get("B/P3"));
    }

    /**
     * One candidate's expected features: the customer's, each source's score and rank, the history (repeat, purchase
     * days, log days since the last purchase, cycle, overdue ratio), the product's (repeat rate, log buyers, trend)
     * and the price ratio.
     */
    private static Map<String, Double> expected(Map<String, Double> customer, double[] scores, double[] ranks, double[] history,
            double[] product, double priceRatio) {
        Map<String, Double> features = new HashMap<>(customer);
        for (int i = 0; i < scores.length; i++) {
            String score = RankerFeatures.SOURCE_SCORES.get(i);
            features.put(score, scores[i]);
            features.put(RankerFeatures.rankColumn(score), ranks[i]);
        }
        List<String> historyFeatures = List.of("repeat", "purchase_days", "log_days_since_last", "cycle_days", "overdue_ratio");
        for (int i = 0; i < history.length; i++) {
            features.put(historyFeatures.get(i), history[i]);
        }
        List<String> productFeatures = List.of("product_repeat_rate", "product_log_buyers", "product_trend");
        for (int i = 0; i < product.length; i++) {
            features.put(productFeatures.get(i), product[i]);
        }
        features.put("price_ratio", priceRatio);
        return features;
    }
}
