package dev.onetoone.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.io.Tables;
import dev.onetoone.testing.SparkTestSupport;

class PreferenceStepTest extends SparkTestSupport {
    /** A Friday. */
    private static final LocalDate AS_OF = LocalDate.of(2025, 1, 31);
    private static final double EPS = 1e-12;
    /** Half-life 10 days: lines 0, 10, 20 and 30 days old weigh 1, 0.5, 0.25 and 0.125. */
    private static final PreferenceSettings TEN_DAYS = new PreferenceSettings(10, 10, 3);

    private static final StructType SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("transaction_id", DataTypes.StringType)
            .add("ts", DataTypes.StringType)
            .add("product_id", DataTypes.StringType)
            .add("category", DataTypes.StringType)
            .add("amount", Tables.MONEY)
            .add("discount", Tables.MONEY)
            .add("channel", DataTypes.StringType)
            .add("store_id", DataTypes.StringType)
            .add("offer_id", DataTypes.StringType)
            .add("is_return", DataTypes.BooleanType);

    /** One transaction line; ts is "yyyy-MM-dd HH:mm" in the session time zone. */
    private static final class Line {
        private final Object[] values;

        Line(String customer, String transaction, String ts, String product, String category, String amount) {
            values = new Object[] {customer, transaction, ts, product, category, new BigDecimal(amount),
                    BigDecimal.ZERO, "store", null, null, false};
        }

        Line discount(String discount) {
            values[6] = new BigDecimal(discount);
            return this;
        }

        Line channel(String channel) {
            values[7] = channel;
            return this;
        }

        Line store(String store) {
            values[8] = store;
            return this;
        }

        Line offer(String offer) {
            values[9] = offer;
            return this;
        }

        Line returned() {
            values[10] = true;
            return this;
        }
    }

    private static Line line(String customer, String transaction, String ts, String product, String category,
                             String amount) {
        return new Line(customer, transaction, ts, product, category, amount);
    }

    /** Lines with the other columns of the transactions table derived as ingest derives them. */
    private static Dataset<Row> transactions(List<Line> lines) {
        List<Row> rows = lines.stream().map(line -> RowFactory.create(line.values)).toList();
        return spark().createDataFrame(rows, SCHEMA)
                .withColumn("ts", to_timestamp(col("ts"), "yyyy-MM-dd HH:mm"))
                .withColumn("purchase_date", to_date(col("ts")))
                .withColumn("quantity", lit(1.0))
                .withColumn("unit_price", lit(null).cast(Tables.UNIT_PRICE))
                .withColumn("is_zero_value", col("amount").equalTo(0));
    }

    private static Map<String, Row> compute(PreferenceSettings settings, List<Line> lines) {
        Map<String, Row> rows = new HashMap<>();
        new PreferenceStep(settings).compute(transactions(lines), AS_OF).collectAsList()
                .forEach(row -> rows.put(row.getAs("customer_id"), row));
        return rows;
    }

    private static double number(Row row, String column) {
        return row.<Double>getAs(column);
    }

    private static Map<String, Double> shares(Row row) {
        return row.getJavaMap(row.fieldIndex("category_shares"));
    }

    private static List<String> favourites(Row row) {
        return row.getList(row.fieldIndex("favourite_products"));
    }

    @Test
    void categorySharesAreDecayedSpendAndTheTopCategoryIsTheLargest() {
        Map<String, Row> result = compute(TEN_DAYS, List.of(
                // A: shoes 20.00 today -> 20; bags 40.00 20 days ago -> 10 and 40.00 30 days ago -> 5, together 15.
                // Undecayed bags (80) beat shoes (20); decayed, shoes 20/35 = 4/7, bags 15/35 = 3/7.
                // The uncategorised 100.00 is not in the shares.
                line("A", "A1", "2025-01-31 10:00", "P1", "shoes", "20.00"),
                line("A", "A2", "2025-01-11 10:00", "P2", "bags", "40.00"),
                line("A", "A3", "2025-01-01 10:00", "P2", "bags", "40.00"),
                line("A", "A4", "2025-01-31 11:00", "P3", null, "100.00"),
                // Z: zero-value lines count as one cent each: toys 0.01 + 0.005, books 0.01 -> 0.6 and 0.4.
                line("Z", "Z1", "2025-01-31 10:00", "P4", "toys", "0.00"),
                line("Z", "Z2", "2025-01-21 10:00", "P4", "toys", "0.00"),
                line("Z", "Z3", "2025-01-31 10:00", "P5", "books", "0.00"),
                // T: equal spend in two categories, the tie goes to the alphabetically first.
                line("T", "T1", "2025-01-31 10:00", "P6", "music", "10.00"),
                line("T", "T1", "2025-01-31 10:00", "P7", "garden", "10.00")));

        Row a = result.get("A");
        assertEquals("shoes", a.getAs("top_category"));
        assertEquals(4.0 / 7, number(a, "top_category_share"), EPS);
        assertEquals(Map.of("shoes", 4.0 / 7, "bags", 3.0 / 7).keySet(), shares(a).keySet());
        assertEquals(4.0 / 7, shares(a).get("shoes"), EPS);
        assertEquals(3.0 / 7, shares(a).get("bags"), EPS);

        Row z = result.get("Z");
        assertEquals("toys", z.getAs("top_category"));
        assertEquals(0.6, number(z, "top_category_share"), EPS);
        assertEquals(0.4, shares(z).get("books"), EPS);

        Row t = result.get("T");
        assertEquals("garden", t.getAs("top_category"));
        assertEquals(0.5, number(t, "top_category_share"), EPS);
        for (Row row : result.values()) {
            assertEquals(1.0, shares(row).values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
        }
    }

    @Test
    void favouriteProductsAreOrderedByDecayedCountWithTiesByProductId() {
        Map<String, Row> result = compute(TEN_DAYS, List.of(
                // P5: 1 + 0.25 = 1.25; P1: 0.5 + 0.5 = 1 and P9: 1, a tie that P1 wins by id; P2: 0.125, fourth
                // of three. The line without a product id is skipped.
                line("A", "A1", "2025-01-31 10:00", "P9", "x", "1.00"),
                line("A", "A2", "2025-01-21 10:00", "P1", "x", "1.00"),
                line("A", "A3", "2025-01-21 12:00", "P1", "x", "1.00"),
                line("A", "A4", "2025-01-31 12:00", "P5", "x", "1.00"),
                line("A", "A5", "2025-01-11 10:00", "P5", "x", "1.00"),
                line("A", "A6", "2025-01-01 10:00", "P2", "x", "1.00"),
                line("A", "A7", "2025-01-31 10:00", null, "x", "1.00")));

        assertEquals(List.of("P5", "P1", "P9"), favourites(result.get("A")));
    }

    @Test
    void priceSensitivityIsShrunkTowardsThePopulationDiscountShare() {
        var lines = new java.util.ArrayList<Line>();
        // A: 2 lines, both discounted. B: 18 lines, 2 discounted. Population: 4 of 20 lines = 0.2.
        lines.add(line("A", "A1", "2025-01-31 10:00", "P1", "x", "9.00").discount("1.00"));
        lines.add(line("A", "A1", "2025-01-31 10:00", "P2", "x", "9.00").discount("0.50"));
        for (int i = 0; i < 18; i++) {
            Line b = line("B", "B" + i, "2025-01-30 10:00", "P1", "x", "10.00");
            lines.add(i < 2 ? b.discount("2.00") : b);
        }
        Map<String, Row> result = compute(TEN_DAYS, lines);

        // k = 10: A (2 + 10 * 0.2) / (2 + 10) = 1/3; B (2 + 2) / (18 + 10) = 1/7.
        assertEquals(1.0, number(result.get("A"), "discount_share"), EPS);
        assertEquals(1.0 / 3, number(result.get("A"), "price_sensitivity"), EPS);
        assertEquals(1.0 / 9, number(result.get("B"), "discount_share"), EPS);
        assertEquals(1.0 / 7, number(result.get("B"), "price_sensitivity"), EPS);
    }

    @Test
    void channelStoreDayAndHourAreDecayedModesWithDeterministicTies() {
        Map<String, Row> result = compute(TEN_DAYS, List.of(
                // M, 2025-01-31 is a Friday, 01-21 a Tuesday, 01-11 a Saturday.
                // Channel by lines: store 4 today + 1 ten days ago = 4.5; web 6 lines 20 days ago = 1.5
                // (undecayed web 6 beats store 5); share 4.5 / 6 = 0.75.
                // Store by baskets: S1 one basket of 3 lines today = 1; S2 baskets today and 10 days ago = 1.5.
                // Day by distinct days: Friday 1, Tuesday 0.5, Saturday 0.25.
                // Hour by baskets: 18h 1 + 0.5 = 1.5; 9h 1; 12h two baskets 20 days ago = 0.5 (12h has most lines).
                line("M", "M1", "2025-01-31 09:00", "P1", "x", "1.00").store("S1"),
                line("M", "M1", "2025-01-31 09:00", "P2", "x", "1.00").store("S1"),
                line("M", "M1", "2025-01-31 09:00", "P3", "x", "1.00").store("S1"),
                line("M", "M2", "2025-01-31 18:00", "P1", "x", "1.00").store("S2"),
                line("M", "M3", "2025-01-21 18:30", "P1", "x", "1.00").store("S2"),
                line("M", "W1", "2025-01-11 12:00", "P1", "x", "1.00").channel("web"),
                line("M", "W1", "2025-01-11 12:00", "P2", "x", "1.00").channel("web"),
                line("M", "W1", "2025-01-11 12:00", "P3", "x", "1.00").channel("web"),
                line("M", "W2", "2025-01-11 12:10", "P1", "x", "1.00").channel("web"),
                line("M", "W2", "2025-01-11 12:10", "P2", "x", "1.00").channel("web"),
                line("M", "W2", "2025-01-11 12:10", "P3", "x", "1.00").channel("web"),
                // N: one web and one app basket today at 15h and 10h: ties go to "app" and to 10h; no store.
                line("N", "N1", "2025-01-31 15:00", "P1", "x", "1.00").channel("web"),
                line("N", "N2", "2025-01-31 10:00", "P1", "x", "1.00").channel("app")));

        Row m = result.get("M");
        assertEquals("store", m.getAs("preferred_channel"));
        assertEquals(0.75, number(m, "preferred_channel_share"), EPS);
        assertEquals("S2", m.getAs("preferred_store"));
        assertEquals(5, (int) m.getAs("preferred_day_of_week"));
        assertEquals(18, (int) m.getAs("preferred_hour"));

        Row n = result.get("N");
        assertEquals("app", n.getAs("preferred_channel"));
        assertEquals(0.5, number(n, "preferred_channel_share"), EPS);
        assertNull(n.getAs("preferred_store"));
        assertEquals(5, (int) n.getAs("preferred_day_of_week"));
        assertEquals(10, (int) n.getAs("preferred_hour"));
    }

    @Test
    void returnsAndLinesAfterTheAsOfDateAreIgnored() {
        Map<String, Row> result = compute(TEN_DAYS, List.of(
                // R: two purchase baskets (R1 with an offer, and an untagged line that is that day's basket).
                line("R", "R1", "2025-01-30 10:00", "P1", "toys", "10.00").offer("O1"),
                line("R", null, "2025-01-20 10:00", "P2", "toys", "5.00"),
                // A return with a discount and an offer and a later web basket: neither counts.
                line("R", "R2", "2025-01-31 10:00", "P3", "books", "-50.00").discount("5.00").offer("O2").returned(),
                line("R", "R3", "2025-02-03 10:00", "P3", "books", "500.00").discount("5.00").offer("O3")
                        .channel("web"),
                // Q only returned goods, F only bought after the as-of date: both absent.
                line("Q", "Q1", "2025-01-31 10:00", "P1", "toys", "-10.00").returned(),
                line("F", "F1", "2025-02-01 10:00", "P1", "toys", "10.00")));

        assertEquals(List.of("R"), List.copyOf(result.keySet()));
        Row r = result.get("R");
        assertEquals(Map.of("toys", 1.0), shares(r));
        assertEquals(List.of("P1", "P2"), favourites(r));
        assertEquals(0.0, number(r, "discount_share"));
        assertEquals(1L, (long) r.getAs("offer_redemptions"));
        assertEquals(0.5, number(r, "offer_response_rate"), EPS);
        assertEquals("store", r.getAs("preferred_channel"));
        assertEquals(1.0, number(r, "preferred_channel_share"), EPS);
    }

    @Test
    void columnsHaveTheirTypesAndNoneIsNaNEvenWithoutCategoriesOrWhenOldWeightsUnderflow() {
        // Half-life one day: 0.5^3000 underflows to 0 if ages were measured from the as-of date.
        PreferenceSettings oneDay = new PreferenceSettings(1, 10, 5);
        Dataset<Row> output = new PreferenceStep(oneDay).compute(transactions(List.of(line("X", "X1",
                "2025-01-31 10:00", "P1", "x", "1.00"))), AS_OF);
        assertEquals(List.of(
                "as_of date", "customer_id string", "top_category string", "top_category_share double",
                "category_shares map<string,double>", "favourite_products array<string>", "discount_share double",
                "price_sensitivity double", "offer_redemptions bigint", "offer_response_rate double",
                "preferred_channel string", "preferred_channel_share double", "preferred_store string",
                "preferred_day_of_week int", "preferred_hour int"),
                Arrays.stream(output.schema().fields())
                        .map(field -> field.name() + " " + field.dataType().simpleString()).toList());
        Map<String, Row> result = compute(oneDay, List.of(
                // U: one free, uncategorised line without product, channel, store or transaction id.
                line("U", null, "2025-01-31 10:00", null, null, "0.00").channel(null),
                // V: a categorised line about 3000 days old and an uncategorised one today.
                line("V", "V1", "2016-11-14 10:00", "P1", "garden", "30.00"),
                line("V", "V2", "2025-01-31 10:00", "P2", null, "10.00")));

        Row u = result.get("U");
        assertNull(u.getAs("top_category"));
        assertEquals(0.0, number(u, "top_category_share"));
        assertEquals(Map.of(), shares(u));
        assertEquals(List.of(), favourites(u));
        assertEquals("unknown", u.getAs("preferred_channel"));
        assertNull(u.getAs("preferred_store"));
        assertEquals(0.0, number(u, "price_sensitivity"), "no line in the population has a discount");
        assertEquals(0.0, number(u, "offer_response_rate"));

        Row v = result.get("V");
        assertEquals("garden", v.getAs("top_category"));
        assertEquals(1.0, number(v, "top_category_share"), EPS);
        assertEquals(List.of("P2", "P1"), favourites(v), "P1 weighs 0 next to P2 and loses by weight, not by id");

        for (Row row : result.values()) {
            for (StructField field : row.schema().fields()) {
                if (field.dataType().equals(DataTypes.DoubleType)) {
                    double value = number(row, field.name());
                    assertTrue(value >= 0 && value <= 1, field.name() + " = " + value + " for " + row);
                }
            }
            assertTrue(shares(row).values().stream().allMatch(Double::isFinite));
            assertEquals(5, (int) row.getAs("preferred_day_of_week"));
        }
    }
}
