package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
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

import dev.onetoone.io.Tables;
import dev.onetoone.testing.SparkTestSupport;

class CustomerStateStageTest extends SparkTestSupport {
    private static final StructType SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("purchase_date", DataTypes.DateType)
            .add("amount", Tables.MONEY)
            .add("is_return", DataTypes.BooleanType);
    private static final List<String> STATISTICS = List.of("customer_id", "purchase_days", "first_purchase_date",
            "last_purchase_date", "first_day_spend", "total_spend", "sum_gap_days", "sum_squared_gap_days");

    private static Row line(String customer, String date, String amount, boolean isReturn) {
        return RowFactory.create(customer, Date.valueOf(date), new BigDecimal(amount), isReturn);
    }

    /**
     * A buys 10 + 5 on Jan 1 (one day), 20 on Jan 4, 30 on Jan 10 and returns 5 on Jan 11; B buys 8 on Jan 5;
     * C buys 12 on Jan 12. A's gaps are 3 and 6 days: sum 9, sum of squares 45.
     */
    private static Dataset<Row> transactions() {
        return spark().createDataFrame(List.of(
                line("A", "2025-01-01", "10.00", false), line("A", "2025-01-01", "5.00", false),
                line("A", "2025-01-04", "20.00", false), line("A", "2025-01-10", "30.00", false),
                line("A", "2025-01-11", "-5.00", true), line("B", "2025-01-05", "8.00", false),
                line("C", "2025-01-12", "12.00", false)), SCHEMA);
    }

    private static Map<String, Row> byCustomer(Dataset<Row> state) {
        Map<String, Row> rows = new HashMap<>();
        for (Row row : state.selectExpr(STATISTICS.toArray(String[]::new)).collectAsList()) {
            rows.put(row.getString(0), row);
        }
        return rows;
    }

    /** What the runner does: MERGE the changed customers over the stored state. */
    private static Dataset<Row> mergeChanged(Dataset<Row> stored, Dataset<Row> changed) {
        Dataset<Row> kept = stored.join(changed.select("customer_id"), stored.col("customer_id").equalTo(changed.col("customer_id")), "left_anti");
        return kept.selectExpr(STATISTICS.toArray(String[]::new)).unionByName(changed.selectExpr(STATISTICS.toArray(String[]::new)));
    }

    @Test
    void fullBuildCollapsesPurchaseDaysAndIgnoresReturns() {
        Dataset<Row> empty = CustomerStateStage.empty(spark());
        Map<String, Row> state = byCustomer(CustomerStateStage.fold(empty, transactions(), null, LocalDate.of(2025, 1, 12)));
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
        Dataset<Row> empty = CustomerStateStage.empty(spark());
        LocalDate end = LocalDate.of(2025, 1, 12);
        Map<String, Row> full = byCustomer(CustomerStateStage.fold(empty, transactions(), null, end));

        Dataset<Row> state = CustomerStateStage.fold(empty, transactions(), null, LocalDate.of(2024, 12, 31));
        LocalDate previous = LocalDate.of(2024, 12, 31);
        for (LocalDate night = LocalDate.of(2025, 1, 1); !night.isAfter(end); night = night.plusDays(1)) {
            state = mergeChanged(state, CustomerStateStage.foldChanged(state, transactions(), previous, night)).localCheckpoint(true);
            previous = night;
        }
        assertEquals(full, byCustomer(state));
    }

    @Test
    void severalNewDaysInOneFoldBridgeToThePreviousLastDay() {
        Dataset<Row> empty = CustomerStateStage.empty(spark());
        LocalDate end = LocalDate.of(2025, 1, 12);
        Dataset<Row> first = CustomerStateStage.fold(empty, transactions(), null, LocalDate.of(2025, 1, 1));
        Dataset<Row> second = mergeChanged(first, CustomerStateStage.foldChanged(first, transactions(), LocalDate.of(2025, 1, 1), end));
        assertEquals(byCustomer(CustomerStateStage.fold(empty, transactions(), null, end)), byCustomer(second));
    }
}
