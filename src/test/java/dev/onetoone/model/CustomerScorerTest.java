package dev.onetoone.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/**
 * The scorer as a column over customer_state rows: each output field is the right figure of the right customer, worked
 * out by hand from the BG/NBD formulas (Fader, Hardie &amp; Lee 2005, eq. 13) and the rhythm's shrinkage, and each row
 * is scored once however many of its fields are read.
 */
class CustomerScorerTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.of(2025, 3, 31);
    private static final double R = 0.5;
    private static final double ALPHA = 4.0;
    private static final double A = 0.6;
    private static final double B = 2.4;
    /** Population gaps: mean 30 days, second moment 1,000 (sd 10); the rhythm prior is worth two gaps. */
    private static final CustomerScorer.Inputs INPUTS = new CustomerScorer.Inputs(new double[] {R, ALPHA, A, B}, PopulationModel.BG_NBD,
            new double[] {R, ALPHA, A, B}, new double[] {6.0, 4.0, 15.0}, 7.0, 365, 0.3, 0.1, 2.0, 30.0, 1000.0);

    private static final StructType STATE = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("purchase_days", DataTypes.IntegerType)
            .add("first_purchase_date", DataTypes.DateType)
            .add("last_purchase_date", DataTypes.DateType)
            .add("total_spend", DataTypes.DoubleType)
            .add("first_day_spend", DataTypes.DoubleType)
            .add("sum_gap_days", DataTypes.DoubleType)
            .add("sum_squared_gap_days", DataTypes.DoubleType);

    private static Date daysBefore(int days) {
        return Date.valueOf(AS_OF.minusDays(days));
    }

    /** One-time buyer 14 days ago; a buyer on three days 70, 40 and 10 days ago (gaps 30 and 30). */
    private static Dataset<Row> state() {
        return spark().createDataFrame(List.of(
                RowFactory.create("once", 1, daysBefore(14), daysBefore(14), 20.0, 20.0, 0.0, 0.0),
                RowFactory.create("thrice", 3, daysBefore(70), daysBefore(10), 90.0, 30.0, 60.0, 1800.0)), STATE);
    }

    private static Dataset<Row> scored(Dataset<Row> state) {
        Column summary = struct(CustomerSummaries.columns(AS_OF, 7.0).toArray(Column[]::new));
        return state.select(col("customer_id"), new CustomerScorer(INPUTS, AS_OF).score(summary).as("scores"))
                .select(col("customer_id"), col("scores.*"));
    }

    @Test
    void eachFieldIsTheFigureOfItsOwnCustomer() {
        Map<String, Row> rows = new HashMap<>();
        for (Row row : scored(state()).collectAsList()) {
            rows.put(row.getString(0), row);
        }
        Row once = rows.get("once");
        assertEquals("once", once.getAs("customer_id"));
        assertEquals(0, (int) once.getAs("repeat_purchase_days"));
        assertEquals(0.0, once.<Double>getAs("recency_weeks"), 1e-12);
        assertEquals(2.0, once.<Double>getAs("age_weeks"), 1e-12);
        // BG/NBD: no repeat purchase, so the customer cannot have dropped out yet
        assertEquals(1.0, once.<Double>getAs("p_alive"), 1e-12);
        // the population's rhythm: (0 + 2 * 30) / (0 + 2) = 30 days, sd sqrt(1000 - 900) = 10
        assertEquals(30.0, once.<Double>getAs("interpurchase_days_mean"), 1e-12);
        assertEquals(10.0, once.<Double>getAs("interpurchase_days_sd"), 1e-12);
        assertEquals(Date.valueOf(AS_OF.plusDays(16)), once.getAs("expected_next_purchase_date"));
        assertEquals(-16, (int) once.getAs("days_overdue"));
        assertEquals(14.0 / 30.0, once.<Double>getAs("overdue_ratio"), 1e-12);
        assertEquals(14, (int) once.getAs("history_days"));
        assertEquals("low", once.getAs("confidence_level"), "r + x = 0.5 gives 1 - 1/sqrt(0.5) < 0, so 0");

        Row thrice = rows.get("thrice");
        assertEquals("thrice", thrice.getAs("customer_id"));
        assertEquals(2, (int) thrice.getAs("repeat_purchase_days"));
        double tx = 60 / 7.0;
        double age = 10.0;
        assertEquals(tx, thrice.<Double>getAs("recency_weeks"), 1e-12);
        assertEquals(age, thrice.<Double>getAs("age_weeks"), 1e-12);
        // eq. 13: P(alive) = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))
        double pAlive = 1.0 / (1.0 + A / (B + 1.0) * Math.pow((ALPHA + age) / (ALPHA + tx), R + 2));
        assertEquals(pAlive, thrice.<Double>getAs("p_alive"), 1e-12);
        // (60 + 2 * 30) / (2 + 2) = 30 days; second moment (1800 + 2 * 1000) / 4 = 950, sd sqrt(50)
        assertEquals(30.0, thrice.<Double>getAs("interpurchase_days_mean"), 1e-12);
        assertEquals(Math.sqrt(50.0), thrice.<Double>getAs("interpurchase_days_sd"), 1e-12);
        assertEquals(-20, (int) thrice.getAs("days_overdue"));
        assertEquals(10.0 / 30.0, thrice.<Double>getAs("overdue_ratio"), 1e-12);
        assertEquals(70, (int) thrice.getAs("history_days"));
        assertEquals("medium", thrice.getAs("confidence_level"), "1 - 1/sqrt(2.5) = 0.37");
        assertEquals("bg_nbd", thrice.getAs("purchase_model"));
    }

    @Test
    void eachRowIsScoredOnceForAllItsFields() {
        // a shuffled input, so that the optimiser cannot evaluate the projection of local rows on the driver
        String plan = scored(state().repartition(2)).queryExecution().optimizedPlan().toString();
        int calls = plan.split("UDF\\(", -1).length - 1;
        assertEquals(1, calls, plan);
    }
}
