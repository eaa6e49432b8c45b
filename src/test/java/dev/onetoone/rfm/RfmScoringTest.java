package dev.onetoone.rfm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
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
import dev.onetoone.testing.TransactionColumns;

class RfmScoringTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.of(2025, 1, 31);
    private static final StructType SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("transaction_id", DataTypes.StringType)
            .add("purchase_date", DataTypes.DateType)
            .add("amount", Tables.MONEY)
            .add("is_return", DataTypes.BooleanType);

    private static Row line(String customer, String transaction, String date, String amount, boolean isReturn) {
        return RowFactory.create(customer, transaction, Date.valueOf(date), new BigDecimal(amount), isReturn);
    }

    private static Map<String, Row> byCustomer(Dataset<Row> rfm) {
        Map<String, Row> rows = new HashMap<>();
        rfm.collectAsList().forEach(row -> rows.put(row.getAs("customer_id"), row));
        return rows;
    }

    @Test
    void measuresFollowTheDefinitions() {
        Dataset<Row> transactions = spark().createDataFrame(List.of(
                line("A", "T1", "2025-01-01", "10.00", false),
                line("A", "T2", "2025-01-15", "20.00", false),
                line("A", "T3", "2025-01-30", "30.00", false),
                line("A", "R3", "2025-01-31", "-5.00", true),
                line("B", "T4", "2025-01-31", "4.00", false),
                line("B", "T4", "2025-01-31", "6.00", false),
                line("C", "T5", "2024-12-01", "100.00", false),
                line("C", null, "2024-12-02", "50.00", false),
                line("D", "T6", "2025-02-05", "9.00", false),
                line("E", "R7", "2025-01-10", "-3.00", true),
                line("F", "T8", "2024-06-01", "20.00", false)), SCHEMA);
        transactions = TransactionColumns.complete(transactions);
        Map<String, Row> rfm = byCustomer(new RfmScoring(0.001).compute(transactions, AS_OF));

        assertEquals(4, rfm.size(), "D bought after the as-of date, E only returned");
        assertFalse(rfm.containsKey("D"));
        Row a = rfm.get("A");
        assertEquals(Date.valueOf("2025-01-01"), a.getAs("first_purchase_date"));
        assertEquals(Date.valueOf("2025-01-30"), a.getAs("last_purchase_date"), "a return is not a purchase");
        assertEquals(1, (int) a.getAs("recency_days"));
        assertEquals(30, (int) a.getAs("tenure_days"));
        assertEquals(3, (int) a.getAs("frequency_days"));
        assertEquals(3L, (long) a.getAs("frequency_orders"));
        assertEquals(new BigDecimal("55.00"), a.getAs("monetary_total"), "net of the 5.00 return");
        assertEquals(new BigDecimal("18.33"), a.getAs("monetary_avg"));

        Row b = rfm.get("B");
        assertEquals(0, (int) b.getAs("recency_days"));
        assertEquals(1, (int) b.getAs("frequency_days"));
        assertEquals(1L, (long) b.getAs("frequency_orders"), "two lines of one basket are one order");
        assertEquals(new BigDecimal("10.00"), b.getAs("monetary_total"));
        assertEquals("occasional", b.getAs("customer_type"));

        Row c = rfm.get("C");
        assertEquals(60, (int) c.getAs("recency_days"));
        assertEquals(2L, (long) c.getAs("frequency_orders"), "a line without transaction id counts as that day's order");
        assertEquals("sporadic", c.getAs("customer_type"));

        Row f = rfm.get("F");
        assertEquals(244, (int) f.getAs("recency_days"));
        assertEquals(1, (int) f.getAs("frequency_days"));
        for (Row row : rfm.values()) {
            int r = row.getAs("r_score");
            int fScore = row.getAs("f_score");
            int m = row.getAs("m_score");
            assertEquals("" + r + fScore + m, row.getAs("rfm_cell"));
        }
    }

    @Test
    void scoresAreQuintilesOfThePopulation() {
        // Ten customers; customer k buys on k distinct days ending on the as-of date, 10.00 each:
        // frequency k, monetary 10k, recency 0 for all. Quintile cut points fall between 2|3, 4|5, 6|7, 8|9.
        var lines = new ArrayList<Row>();
        for (int k = 1; k <= 10; k++) {
            for (int day = 0; day < k; day++) {
                lines.add(line("K" + k, "T" + k + "_" + day, AS_OF.minusDays(day).toString(), "10.00", false));
            }
        }
        Map<String, Row> rfm = byCustomer(new RfmScoring(0.0001).compute(TransactionColumns.complete(spark().createDataFrame(lines, SCHEMA)), AS_OF));
        for (int k = 1; k <= 10; k++) {
            int expected = (k + 1) / 2;
            assertEquals(expected, (int) rfm.get("K" + k).getAs("f_score"), "f_score of K" + k);
            assertEquals(expected, (int) rfm.get("K" + k).getAs("m_score"), "m_score of K" + k);
            assertEquals(5, (int) rfm.get("K" + k).getAs("r_score"), "everyone bought today");
        }
    }

    @Test
    void recencyScoreIsFiveForTheMostRecentFifth() {
        var lines = new ArrayList<Row>();
        for (int k = 1; k <= 10; k++) {
            lines.add(line("K" + k, "T" + k, AS_OF.minusDays(10L * k).toString(), "10.00", false));
        }
        Map<String, Row> rfm = byCustomer(new RfmScoring(0.0001).compute(TransactionColumns.complete(spark().createDataFrame(lines, SCHEMA)), AS_OF));
        for (int k = 1; k <= 10; k++) {
            assertEquals(5 - (k - 1) / 2, (int) rfm.get("K" + k).getAs("r_score"), "r_score of K" + k);
        }
    }

    @Test
    void segmentGridAndCustomerTypeFollowTheDocumentedRules() {
        Dataset<Row> cells = spark().createDataFrame(List.of(
                RowFactory.create(5, 5, 10, 30), RowFactory.create(5, 1, 1, 0), RowFactory.create(4, 1, 3, 200),
                RowFactory.create(4, 4, 6, 60), RowFactory.create(3, 3, 2, 400), RowFactory.create(3, 1, 1, 10),
                RowFactory.create(2, 5, 30, 300), RowFactory.create(1, 3, 4, 100), RowFactory.create(1, 1, 1, 700),
                RowFactory.create(1, 2, 2, 500), RowFactory.create(5, 3, 6, 200)),
                new StructType().add("r", DataTypes.IntegerType).add("f", DataTypes.IntegerType)
                        .add("days", DataTypes.IntegerType).add("tenure", DataTypes.IntegerType));
        List<Row> result = cells.select(
                RfmScoring.segment(cells.col("r"), cells.col("f")),
                RfmScoring.customerType(cells.col("days"), cells.col("tenure"))).collectAsList();
        List<String> segments = result.stream().map(row -> row.getString(0)).toList();
        List<String> types = result.stream().map(row -> row.getString(1)).toList();
        assertEquals(List.of("champions", "new", "promising", "loyal", "need_attention", "about_to_sleep",
                "cant_lose", "at_risk", "lost", "hibernating", "potential_loyalist"), segments);
        // 10 days in 31 days = 9.8/month; 3 days over 201 days = 0.45/month; 6 days over 61 days = 3.0/month;
        // 30 days over 301 days = 3.0/month; 4 days over 101 days = 1.2/month; 6 days over 201 days = 0.9/month
        assertEquals(List.of("exclusive", "occasional", "sporadic", "exclusive", "sporadic", "occasional",
                "exclusive", "regular", "occasional", "sporadic", "regular"), types);
    }
}
