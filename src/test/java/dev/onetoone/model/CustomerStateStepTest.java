package dev.onetoone.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.io.Tables;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.StateComparison;
import dev.onetoone.testing.TransactionColumns;

class CustomerStateStepTest extends SparkTestSupport {
    private static final StructType SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("purchase_date", DataTypes.DateType)
            .add("amount", Tables.MONEY)
            .add("is_return", DataTypes.BooleanType);
    private static final StructType DETAILED = new StructType()
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
    private static final List<String> STATISTICS = List.of("customer_id", "purchase_days", "first_purchase_date",
            "last_purchase_date", "first_day_spend", "total_spend", "sum_gap_days", "sum_squared_gap_days");
    /** Half-life 10 days: a line 10 days after the epoch weighs 2, 20 days after 4. */
    private static final double TEN_DAYS = 10;

    private static Row line(String customer, String date, String amount, boolean isReturn) {
        return RowFactory.create(customer, Date.valueOf(date), new BigDecimal(amount), isReturn);
    }

    /**
     * A buys 10 + 5 on Jan 1 (one day), 20 on Jan 4, 30 on Jan 10 and returns 5 on Jan 11; B buys 8 on Jan 5;
     * C buys 12 on Jan 12. A's gaps are 3 and 6 days: sum 9, sum of squares 45.
     */
    private static Dataset<Row> transactions() {
        return TransactionColumns.complete(spark().createDataFrame(List.of(
                line("A", "2025-01-01", "10.00", false), line("A", "2025-01-01", "5.00", false),
                line("A", "2025-01-04", "20.00", false), line("A", "2025-01-10", "30.00", false),
                line("A", "2025-01-11", "-5.00", true), line("B", "2025-01-05", "8.00", false),
                line("C", "2025-01-12", "12.00", false)), SCHEMA));
    }

    /** A line with every preference column; ts is "yyyy-MM-dd HH:mm" in the session time zone. */
    private static Row detailed(String customer, String transaction, String ts, String product, String category, String amount,
            String discount, String channel, String store, String offer, boolean isReturn) {
        return RowFactory.create(customer, transaction, ts, product, category, new BigDecimal(amount), new BigDecimal(discount),
                channel, store, offer, isReturn);
    }

    private static Dataset<Row> detailedTransactions(List<Row> rows) {
        return TransactionColumns.complete(spark().createDataFrame(rows, DETAILED)
                .withColumn("ts", to_timestamp(col("ts"), "yyyy-MM-dd HH:mm"))
                .withColumn("purchase_date", to_date(col("ts"))));
    }

    /**
     * Lines over twelve days of January 2025 for every kind of accumulator: several baskets a day, two stores, web and
     * app, discounts, offers, lines without a product, category or transaction id, a zero-value line, a customer (Q)
     * whose return comes before their first purchase and one (R) who only returned goods.
     */
    private static Dataset<Row> richTransactions() {
        return detailedTransactions(List.of(
                detailed("A", "A1", "2025-01-01 09:10", "P1", "shoes", "20.00", "0.00", "store", "S1", null, false),
                detailed("A", "A1", "2025-01-01 09:10", "P2", "bags", "35.50", "3.00", "store", "S1", null, false),
                detailed("A", "A2", "2025-01-01 18:40", "P1", "shoes", "19.00", "0.00", "web", null, "O1", false),
                detailed("A", "A3", "2025-01-04 12:00", "P3", null, "7.25", "0.00", "app", null, null, false),
                detailed("A", null, "2025-01-07 08:00", null, "toys", "0.00", "0.00", "store", "S2", null, false),
                detailed("A", "A4", "2025-01-10 20:15", "P2", "bags", "40.00", "5.00", "store", "S2", "O2", false),
                detailed("A", "A5", "2025-01-11 10:00", "P2", "bags", "-40.00", "0.00", "store", "S2", null, true),
                detailed("B", "B1", "2025-01-02 11:00", "P4", "garden", "12.00", "0.00", null, null, null, false),
                detailed("B", "B2", "2025-01-09 11:30", "P4", "garden", "13.00", "1.00", "web", null, null, false),
                detailed("B", "B3", "2025-01-12 23:59", "P5", "books", "99.99", "0.00", "web", null, "O3", false),
                detailed("Q", "Q1", "2025-01-03 10:00", "P6", "toys", "-5.00", "0.00", "store", "S1", null, true),
                detailed("Q", "Q2", "2025-01-08 16:00", "P6", "toys", "30.00", "0.00", "store", "S1", null, false),
                detailed("R", "R1", "2025-01-05 10:00", "P7", "toys", "-8.00", "0.00", "store", "S1", null, true)));
    }

    private static Map<String, Row> byCustomer(Dataset<Row> state) {
        return StateComparison.byCustomer(state.selectExpr(STATISTICS.toArray(String[]::new)));
    }

    /** What the runner does: MERGE the changed customers over the stored state. */
    private static Dataset<Row> mergeChanged(Dataset<Row> stored, Dataset<Row> changed) {
        Dataset<Row> kept = stored.join(changed.select("customer_id"), stored.col("customer_id").equalTo(changed.col("customer_id")), "left_anti");
        return kept.unionByName(changed);
    }

    /** Folds night by night from {@code first} through {@code end}, starting from the state of the night before. */
    private static Dataset<Row> foldNightly(Dataset<Row> transactions, LocalDate first, LocalDate end, double halfLife) {
        LocalDate previous = first.minusDays(1);
        Dataset<Row> state = CustomerStateStep.fold(CustomerStateStep.empty(spark()), transactions, null, previous, halfLife);
        for (LocalDate night = first; !night.isAfter(end); night = night.plusDays(1)) {
            state = mergeChanged(state, CustomerStateStep.foldChanged(state, transactions, previous, night, halfLife)).localCheckpoint(true);
            previous = night;
        }
        return state;
    }

    @Test
    void fullBuildCollapsesPurchaseDaysAndIgnoresReturns() {
        Dataset<Row> empty = CustomerStateStep.empty(spark());
        Map<String, Row> state = byCustomer(CustomerStateStep.fold(empty, transactions(), null, LocalDate.of(2025, 1, 12)));
        Row a = state.get("A");
        assertEquals(3, a.getInt(1));
        assertEquals(Date.valueOf("2025-01-01"), a.getDate(2));
        assertEquals(Date.valueOf("2025-01-10"), a.getDate(3));
        assertEquals(new BigDecimal("15.00"), a.getDecimal(4));
        assertEquals(new BigDecimal("65.00"), a.getDecimal(5));
        assertEquals(9.0, a.getDouble(6), 1e-9);
        assertEquals(45.0, a.getDouble(7), 1e-9);
        assertEquals(1, state.get("B").getInt(1));
        assertEquals(0.0, state.get("B").getDouble(6), 1e-9);
        assertEquals(3, state.size());
    }

    @Test
    void foldingNightByNightEqualsAFullRebuild() {
        LocalDate end = LocalDate.of(2025, 1, 12);
        Map<String, Row> full = byCustomer(CustomerStateStep.fold(CustomerStateStep.empty(spark()), transactions(), null, end));
        assertEquals(full, byCustomer(foldNightly(transactions(), LocalDate.of(2025, 1, 1), end, TEN_DAYS)));
    }

    @Test
    void severalNewDaysInOneFoldBridgeToThePreviousLastDay() {
        Dataset<Row> empty = CustomerStateStep.empty(spark());
        LocalDate end = LocalDate.of(2025, 1, 12);
        Dataset<Row> first = CustomerStateStep.fold(empty, transactions(), null, LocalDate.of(2025, 1, 1));
        Dataset<Row> second = mergeChanged(first, CustomerStateStep.foldChanged(first, transactions(), LocalDate.of(2025, 1, 1), end,
                PreferenceSettings.defaults().halfLifeDays()));
        assertEquals(byCustomer(CustomerStateStep.fold(empty, transactions(), null, end)), byCustomer(second));
    }

    @Test
    void everyAccumulatorFoldedNightByNightEqualsAFullRebuild() {
        LocalDate end = LocalDate.of(2025, 1, 12);
        Dataset<Row> rebuilt = CustomerStateStep.fold(CustomerStateStep.empty(spark()), richTransactions(), null, end, TEN_DAYS);
        Dataset<Row> nightly = foldNightly(richTransactions(), LocalDate.of(2025, 1, 1), end, TEN_DAYS);
        // every column of the state, maps entry by entry; logs of weights agree to rounding. state_as_of is the last
        // night that changed the row (a MERGE leaves the others alone), so it is not compared.
        List<String> columns = StateComparison.columns(rebuilt).stream().filter(name -> !name.equals("state_as_of")).toList();
        StateComparison.assertSameRows(rebuilt, nightly, columns, 1e-12);
        // and in three uneven steps, several days per fold
        Dataset<Row> stepped = CustomerStateStep.fold(CustomerStateStep.empty(spark()), richTransactions(), null, LocalDate.of(2025, 1, 2), TEN_DAYS);
        stepped = mergeChanged(stepped, CustomerStateStep.foldChanged(stepped, richTransactions(), LocalDate.of(2025, 1, 2), LocalDate.of(2025, 1, 8), TEN_DAYS));
        stepped = mergeChanged(stepped, CustomerStateStep.foldChanged(stepped, richTransactions(), LocalDate.of(2025, 1, 8), end, TEN_DAYS));
        StateComparison.assertSameRows(rebuilt, stepped, columns, 1e-12);
    }

    @Test
    void decayedWeightsAreLogsRelativeToTheEpochAndCountsFollowTheLines() {
        // Half-life 10 days, epoch 2000-01-01 (a Saturday). E buys category a for 1.00 on the epoch (weight 1) and
        // for 3.00 ten days later (3 x 2 = 6): a = ln 7; a free line of category b twenty days after the epoch counts
        // as one cent: 0.01 x 4 = 0.04. Days of week: Saturday 1, Tuesday 2, Friday 4. Each line is its own basket at
        // noon: hour 12 = 1 + 2 + 4 = 7, product P1 the same, channel store the same. Folded in two steps.
        // Q returns 5.00 before buying 10.00: a row without purchase days after the first fold.
        Dataset<Row> lines = detailedTransactions(List.of(
                detailed("E", "E1", "2000-01-01 12:00", "P1", "a", "1.00", "0.00", "store", null, null, false),
                detailed("E", "E2", "2000-01-11 12:00", "P1", "a", "3.00", "0.50", "store", null, "O1", false),
                detailed("E", "E3", "2000-01-21 12:00", "P1", "b", "0.00", "0.00", "store", null, null, false),
                detailed("Q", "Q1", "2000-01-02 09:00", "P2", "a", "-5.00", "0.00", "web", null, null, true),
                detailed("Q", "Q2", "2000-01-15 09:00", "P2", "a", "10.00", "0.00", "web", "S9", null, false)));
        Dataset<Row> first = CustomerStateStep.fold(CustomerStateStep.empty(spark()), lines, null, LocalDate.of(2000, 1, 11), TEN_DAYS);
        Row q = StateComparison.byCustomer(first).get("Q");
        assertEquals(0, (int) q.getAs("purchase_days"));
        assertNull(q.getAs("first_purchase_date"));
        assertEquals(new BigDecimal("-5.00"), q.getAs("net_spend"));
        assertEquals(Map.of(), q.getJavaMap(q.fieldIndex("category_log_weights")));

        Dataset<Row> second = mergeChanged(first, CustomerStateStep.foldChanged(first, lines, LocalDate.of(2000, 1, 11), LocalDate.of(2000, 1, 21), TEN_DAYS));
        Map<String, Row> state = StateComparison.byCustomer(second);
        Row e = state.get("E");
        Map<String, Double> categories = e.getJavaMap(e.fieldIndex("category_log_weights"));
        assertEquals(Math.log(7), categories.get("a"), 1e-12);
        assertEquals(Math.log(0.04), categories.get("b"), 1e-12);
        Map<Integer, Double> days = e.getJavaMap(e.fieldIndex("day_of_week_log_weights"));
        assertEquals(Map.of(6, 0.0, 2, Math.log(2), 5, Math.log(4)).keySet(), days.keySet());
        assertEquals(0.0, days.get(6), 1e-12);
        assertEquals(Math.log(2), days.get(2), 1e-12);
        assertEquals(Math.log(4), days.get(5), 1e-12);
        assertEquals(Math.log(7), e.<scala.collection.Map<Integer, Double>>getAs("hour_log_weights").apply(12), 1e-12);
        assertEquals(Math.log(7), e.<scala.collection.Map<String, Double>>getAs("product_log_weights").apply("P1"), 1e-12);
        assertEquals(Math.log(7), e.<scala.collection.Map<String, Double>>getAs("channel_log_weights").apply("store"), 1e-12);
        assertEquals(Map.of(), e.getJavaMap(e.fieldIndex("store_log_weights")));
        assertEquals(3L, (long) e.getAs("purchase_lines"));
        assertEquals(1L, (long) e.getAs("discounted_lines"));
        assertEquals(3L, (long) e.getAs("baskets"));
        assertEquals(1L, (long) e.getAs("offer_baskets"));
        assertEquals(Date.valueOf("2000-01-21"), e.getAs("last_category_date"));
        assertNull(e.getAs("last_store_date"));

        q = state.get("Q");
        assertEquals(1, (int) q.getAs("purchase_days"));
        assertEquals(Date.valueOf("2000-01-15"), q.getAs("first_purchase_date"));
        assertEquals(new BigDecimal("10.00"), q.getAs("total_spend"));
        assertEquals(new BigDecimal("5.00"), q.getAs("net_spend"));
        assertEquals(0.0, q.getDouble(q.fieldIndex("sum_gap_days")));
        // 10.00 fourteen days after the epoch: ln 10 + 14 ln 2 / 10
        assertEquals(Math.log(10) + 1.4 * Math.log(2),
                q.<scala.collection.Map<String, Double>>getAs("category_log_weights").apply("a"), 1e-12);
        assertEquals(Date.valueOf("2000-01-15"), q.getAs("last_store_date"));
    }

    @Test
    void theProductMapKeepsTheHeaviestProductsWithTiesById() {
        // 52 products bought once on the same day, one of them (P00) twice: P00 first, then P01 ... P49 by id.
        var rows = new java.util.ArrayList<Row>();
        for (int product = 0; product < 52; product++) {
            String id = String.format("P%02d", product);
            rows.add(detailed("K", "K" + product, "2025-01-05 10:00", id, "x", "1.00", "0.00", "store", null, null, false));
        }
        rows.add(detailed("K", "K99", "2025-01-05 10:00", "P00", "x", "1.00", "0.00", "store", null, null, false));
        Row k = CustomerStateStep.fold(CustomerStateStep.empty(spark()), detailedTransactions(rows), null, LocalDate.of(2025, 1, 5), TEN_DAYS)
                .first();
        Map<String, Double> products = k.getJavaMap(k.fieldIndex("product_log_weights"));
        assertEquals(CustomerStateStep.PRODUCTS_KEPT, products.size());
        assertEquals(java.util.stream.IntStream.range(0, 50).mapToObj(i -> String.format("P%02d", i)).collect(java.util.stream.Collectors.toSet()),
                products.keySet());
        assertEquals(Math.log(2), products.get("P00") - products.get("P01"), 1e-12);
    }
}
