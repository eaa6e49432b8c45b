package dev.onetoone.benchmark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
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
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.Tables;
import dev.onetoone.rfm.RfmScoring;
import dev.onetoone.testing.SparkTestSupport;

class DuckDbRfmTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.of(2025, 1, 31);
    private static final List<String> MEASURES = List.of("first_purchase_date", "last_purchase_date", "tenure_days", "recency_days",
            "frequency_days", "frequency_orders", "monetary_total", "monetary_avg", "r_score", "f_score", "m_score");
    private static final StructType RAW = new StructType()
            .add("transaction_id", DataTypes.StringType)
            .add("customer_id", DataTypes.StringType)
            .add("ts", DataTypes.TimestampType)
            .add("quantity", DataTypes.IntegerType)
            .add("amount", Tables.MONEY);

    @TempDir
    Path temporary;

    private static Row line(String customer, String transaction, String instant, int quantity, String amount) {
        return RowFactory.create(transaction, customer, Timestamp.from(Instant.parse(instant)), quantity, new BigDecimal(amount));
    }

    /** Raw lines as the input file holds them: returns have a negative quantity and amount. */
    private static List<Row> rawLines() {
        var lines = new ArrayList<Row>(List.of(
                line("A", "T1", "2025-01-01T10:00:00Z", 1, "10.00"),
                line("A", "T2", "2025-01-15T10:00:00Z", 2, "20.00"),
                line("A", "T3", "2025-01-30T23:59:59Z", 3, "30.00"),
                line("A", "R3", "2025-01-31T09:00:00Z", -1, "-5.00"),
                line("B", "T4", "2025-01-31T08:00:00Z", 1, "4.00"),
                line("B", "T4", "2025-01-31T08:00:00Z", 1, "6.00"),
                line("C", "T5", "2024-12-01T12:00:00Z", 1, "100.00"),
                line("C", null, "2024-12-02T12:00:00Z", 1, "50.00"),
                line("D", "T6", "2025-02-01T00:00:00Z", 1, "9.00"),
                line("E", "R7", "2025-01-10T12:00:00Z", -1, "-3.00")));
        // Ten more customers, K1..K10: Kk buys k days (one order a day) ending k days before the as-of date,
        // 7.50 each, so the quintile cut points separate them.
        for (int k = 1; k <= 10; k++) {
            for (int day = 0; day < k; day++) {
                lines.add(line("K" + k, "K" + k + "_" + day, AS_OF.minusDays(k + day) + "T15:30:00Z", 1, "7.50"));
            }
        }
        return lines;
    }

    private static Map<String, Map<String, Object>> fromSpark(Dataset<Row> raw) {
        // The columns the customer state folds, the ones the benchmark's file lacks as nulls.
        Dataset<Row> transactions = raw.select(col("customer_id"), col("transaction_id"), col("ts"), to_date(col("ts")).as("purchase_date"),
                col("amount"), col("quantity"), col("quantity").lt(0).as("is_return"),
                lit(null).cast("string").as("category"), lit(null).cast("string").as("product_id"), lit(null).cast("string").as("channel"),
                lit(null).cast("string").as("store_id"), lit(null).cast("string").as("offer_id"), lit(0).cast(Tables.MONEY).as("discount"));
        var byCustomer = new HashMap<String, Map<String, Object>>();
        for (Row row : new RfmScoring(0.0001).compute(transactions, AS_OF).collectAsList()) {
            var values = new HashMap<String, Object>();
            for (String measure : MEASURES) {
                Object value = row.getAs(measure);
                values.put(measure, value instanceof Number number && !(value instanceof BigDecimal) ? number.longValue() : value);
            }
            byCustomer.put(row.getAs("customer_id"), values);
        }
        return byCustomer;
    }

    private static Map<String, Map<String, Object>> fromDuckDb(Path parquet) throws SQLException {
        var byCustomer = new HashMap<String, Map<String, Object>>();
        var peer = new DuckDbRfm(ZoneId.of("UTC"), 1, "512MB");
        try (Connection connection = peer.connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(DuckDbRfm.selectSql(DuckDbRfm.parquetGlob(parquet), AS_OF))) {
            while (rows.next()) {
                var values = new HashMap<String, Object>();
                for (String measure : MEASURES) {
                    Object value = rows.getObject(measure);
                    if (measure.endsWith("_date")) {
                        value = Date.valueOf(rows.getObject(measure, LocalDate.class));
                    } else if (value instanceof BigDecimal decimal) {
                        value = decimal.setScale(2);
                    } else if (value instanceof Number number) {
                        value = number.longValue();
                    }
                    values.put(measure, value);
                }
                byCustomer.put(rows.getString("customer_id"), values);
            }
        }
        return byCustomer;
    }

    @Test
    void duckDbGivesRfmScoringsNumbersOnTheSameParquetFile() throws IOException, SQLException {
        Path parquet = Files.createDirectories(temporary).resolve("transactions.parquet");
        spark().createDataFrame(rawLines(), RAW).coalesce(1).write().parquet(parquet.toString());
        Dataset<Row> raw = spark().read().parquet(parquet.toString());

        Map<String, Map<String, Object>> spark = fromSpark(raw);
        Map<String, Map<String, Object>> duckDb = fromDuckDb(parquet);

        // D bought only after the as-of date and E only returned: neither is scored, by either.
        assertEquals(13, spark.size());
        assertEquals(spark.keySet(), duckDb.keySet());
        for (String customer : spark.keySet()) {
            assertEquals(spark.get(customer), duckDb.get(customer), "customer " + customer);
        }
        // Worked out by hand: A's purchase days are 1, 15 and 30 January, the 31 January return is not a purchase,
        // and 10 + 20 + 30 - 5 = 55.00 net over 3 orders; C's line without a transaction id is its own order.
        Map<String, Object> a = duckDb.get("A");
        assertEquals(Date.valueOf("2025-01-30"), a.get("last_purchase_date"));
        assertEquals(1L, a.get("recency_days"));
        assertEquals(3L, a.get("frequency_days"));
        assertEquals(new BigDecimal("55.00"), a.get("monetary_total"));
        assertEquals(new BigDecimal("18.33"), a.get("monetary_avg"));
        assertEquals(1L, duckDb.get("B").get("frequency_orders"), "two lines of one basket are one order");
        assertEquals(2L, duckDb.get("C").get("frequency_orders"));
        // K10 bought on 10 days, more than every other customer: the top frequency quintile.
        assertEquals(5L, duckDb.get("K10").get("f_score"));
        assertEquals(1L, duckDb.get("B").get("f_score"));
    }
}
