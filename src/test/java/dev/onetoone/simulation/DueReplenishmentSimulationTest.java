package dev.onetoone.simulation;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SparkTestSupport;

/**
 * The simulator's replenishment rule on a hand-built sample: one customer (1 purchase a week, no dropout, a personal
 * cycle of 14 days) who bought coffee P1 (cycle factor 1) on 2025-12-22 in basket T1 with milk, and milk again in
 * basket T2. P1's share of the customer's baskets, smoothed with the population share 1/2 over 5 prior baskets, is
 * (1 + 5 x 0.5) / (2 + 5) = 0.5. P1 falls due on 2026-01-05, 14 days after its last purchase.
 */
class DueReplenishmentSimulationTest extends SparkTestSupport {
    @TempDir
    static Path sample;

    private static Map<String, Double> pWithout(List<Object[]> windows) throws Exception {
        Files.writeString(sample.resolve("products.csv"), SyntheticDataGenerator.PRODUCTS_HEADER + "\n"
                + "P1,Espresso Beans,coffee,10.00,6.00,true\nP2,Whole Milk,dairy,2.00,1.00,true\n");
        Files.writeString(sample.resolve("transactions.csv"), SyntheticDataGenerator.TRANSACTIONS_HEADER + "\n"
                + "T1,C1,2025-12-22 10:00:00,P1,coffee,1,10.00,0.00,10.00,web,,\n"
                + "T1,C1,2025-12-22 10:00:00,P2,dairy,1,2.00,0.00,2.00,web,,\n"
                + "T2,C1,2025-12-27 10:00:00,P2,dairy,1,2.00,0.00,2.00,web,,\n");
        Files.createDirectories(sample.resolve("truth"));
        Files.writeString(sample.resolve("truth/customer_truth.csv"), SyntheticDataGenerator.TRUTH_HEADER + "\n"
                + "C1,2025-01-01 09:00:00,52.0,1.0,0.1,,,true,5.0,12.0,0.3,web,S1,14.0,2\n");
        List<Row> rows = windows.stream().map(window -> RowFactory.create(window[0], Date.valueOf((String) window[1]),
                Date.valueOf((String) window[2]))).toList();
        Dataset<Row> offers = spark().createDataFrame(rows, new StructType().add("offer_id", DataTypes.StringType)
                        .add("valid_from", DataTypes.DateType).add("valid_to", DataTypes.DateType))
                .select(lit(Date.valueOf("2025-12-31")).as("as_of"), col("offer_id"),
                        lit("C1").as("customer_id"), lit("replenishment").as("campaign_id"), lit("replenishment").as("campaign_type"),
                        lit("percent_off").as("offer_form"), lit("product").as("target_kind"), lit("P1").as("target_product_id"),
                        lit("coffee").as("target_category"), lit(10.0).as("discount_percent"), lit(0).as("discount_amount"),
                        lit(0L).as("bonus_points"), lit(null).cast("string").as("channel"), col("valid_from"),
                        col("valid_to"), lit("control").as("offer_group"), lit(0.5).as("assignment_probability"),
                        lit(0.0).as("p_purchase_with_offer"), lit(0.0).as("p_purchase_without_offer"),
                        lit(0.0).as("expected_incremental_margin"), lit(0.0).as("expected_cost"), array(lit("test")).as("reason_codes"),
                        lit(1).as("priority"), lit("test").as("run_id"), lit(null).cast("double").as("contact_cost"),
                        lit(null).cast("double").as("fatigue_cost"), lit(null).cast("double").as("net_expected_margin"));
        return new OfferResponseSimulator(spark(), 1).outcomes(Warehouse.conform(Tables.OFFERS, offers), sample).collectAsList().stream()
                .collect(Collectors.toMap(row -> row.<String>getAs("offer_id"), row -> row.<Double>getAs("p_purchase_without_offer")));
    }

    @Test
    void aProductThatFallsDueInTheWindowIsBoughtAtTheDueShareFromThatDayOn() throws Exception {
        Map<String, Double> p = pWithout(List.of(
                new Object[] {"due-on-day-5", "2026-01-01", "2026-01-10"},
                new Object[] {"before-due", "2026-01-01", "2026-01-03"},
                new Object[] {"due-all-window", "2026-01-10", "2026-01-19"}));
        // 10 days from 2026-01-01, due after 4 of them: share (0.5 x 4 + (0.8 + 0.2 x 0.5) x 6) / 10 = 0.74,
        // p = 1 - exp(-1 per week x 0.74 x 10 / 7)
        assertEquals(1 - Math.exp(-0.74 * 10 / 7.0), p.get("due-on-day-5"), 1e-12);
        // 3 days, all before the due date: the plain share 0.5
        assertEquals(1 - Math.exp(-0.5 * 3 / 7.0), p.get("before-due"), 1e-12);
        // 10 days, all after the due date: share 0.9
        assertEquals(1 - Math.exp(-0.9 * 10 / 7.0), p.get("due-all-window"), 1e-12);
    }
}
