package dev.onetoone.rfm;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.io.Tables;
import dev.onetoone.model.CustomerStateStep;

/**
 * Computes the {@code rfm} table for one as-of date from the transactions up to and including that day, as folded
 * into {@code customer_state} ({@link CustomerStateStep}): first and last purchase day, purchase days, baskets and
 * net spend are columns of the state, so a night reads the state and no transaction line.
 *
 * <p>Recency and first/last purchase use purchase lines only (returns do not make a customer recent); monetary
 * value is net of returns. Customers whose first purchase is after the as-of date are not scored.
 *
 * <p>Scores: each of recency, frequency (distinct purchase days) and monetary total is cut at the population's
 * 20/40/60/80% quantiles (Greenwald-Khanna approximate quantiles, distributed, then four numbers per measure on the
 * driver). A value scores 1 plus the number of cut points strictly below it, so tied values share a score and a
 * population where most customers bought once puts them all in score 1. Recency is reversed: 5 = most recent.
 *
 * <p>Segment from (r_score, f_score), the widely used RFM grid:
 * <pre>
 *   r\f    1               2               3               4       5
 *   5      new             potential_loyal potential_loyal champions champions
 *   4      promising       potential_loyal potential_loyal loyal   loyal
 *   3      about_to_sleep  about_to_sleep  need_attention  loyal   loyal
 *   2      hibernating     hibernating     at_risk         at_risk cant_lose
 *   1      lost            hibernating     at_risk         at_risk cant_lose
 * </pre>
 *
 * <p>Customer type from purchase days and the monthly purchase rate over the customer's tenure
 * ({@code frequency_days / max(tenure_days + 1, 30) × 30.44}):
 * exclusive: at least 6 purchase days and at least 2 per month (the shop is the customer's habit);
 * regular: at least 3 purchase days and at least 0.5 per month;
 * sporadic: 2 or more purchase days otherwise; occasional: a single purchase day.
 */
public final class RfmScoring {
    private static final double[] QUINTILES = {0.2, 0.4, 0.6, 0.8};
    /** Type of Spark's sum of a MONEY column. */
    private static final DataType SUM_OF_MONEY = DataTypes.createDecimalType(28, 2);

    private final double quantileRelativeError;

    public RfmScoring(double quantileRelativeError) {
        this.quantileRelativeError = quantileRelativeError;
    }

    /** RFM from the transactions alone: a full fold of the customer state to {@code asOf}, then {@link #fromState}. */
    public Dataset<Row> compute(Dataset<Row> transactions, LocalDate asOf) {
        return fromState(CustomerStateStep.fold(CustomerStateStep.empty(transactions.sparkSession()), transactions, null, asOf), asOf);
    }

    /**
     * RFM of every customer of {@code state} (folded through {@code asOf}) with a purchase by {@code asOf}: the
     * measures are columns of the state (purchase days, baskets, net spend), so this reads the state twice (the
     * quantiles, then the scores) and no transaction line.
     */
    public Dataset<Row> fromState(Dataset<Row> state, LocalDate asOf) {
        Column asOfDate = lit(Date.valueOf(asOf));
        Dataset<Row> measures = state.where(col("purchase_days").gt(0).and(col("first_purchase_date").leq(asOfDate)))
                .select(
                        asOfDate.as("as_of"),
                        col("customer_id"),
                        col("first_purchase_date"),
                        col("last_purchase_date"),
                        date_diff(asOfDate, col("first_purchase_date")).as("tenure_days"),
                        date_diff(asOfDate, col("last_purchase_date")).as("recency_days"),
                        col("purchase_days").cast(DataTypes.IntegerType).as("frequency_days"),
                        col("baskets").as("frequency_orders"),
                        col("net_spend").cast(Tables.MONEY).as("monetary_total"),
                        // the sum's own type, as Spark's sum of MONEY gives, so that the division rounds as it always has
                        col("net_spend").cast(SUM_OF_MONEY).divide(col("baskets")).cast(Tables.MONEY).as("monetary_avg"));

        double[][] cuts = measures.stat().approxQuantile(
                new String[] {"recency_days", "frequency_days", "monetary_total"}, QUINTILES, quantileRelativeError);
        Column recencyBelow = countBelow(col("recency_days"), cuts[0]);
        return measures
                .withColumn("r_score", lit(5).minus(recencyBelow))
                .withColumn("f_score", lit(1).plus(countBelow(col("frequency_days"), cuts[1])))
                .withColumn("m_score", lit(1).plus(countBelow(col("monetary_total").cast(DataTypes.DoubleType), cuts[2])))
                .withColumn("rfm_cell", concat(col("r_score").cast("string"), col("f_score").cast("string"), col("m_score").cast("string")))
                .withColumn("segment", segment(col("r_score"), col("f_score")))
                .withColumn("customer_type", customerType(col("frequency_days"), col("tenure_days")));
    }

    /** Number of cut points strictly below the value (0-4). Empty cut points (no customers) give 0. */
    private static Column countBelow(Column value, double[] cutPoints) {
        Column count = lit(0);
        for (double cut : cutPoints) {
            count = count.plus(when(value.gt(lit(cut)), lit(1)).otherwise(lit(0)));
        }
        return count;
    }

    static Column segment(Column r, Column f) {
        return when(r.equalTo(5).and(f.geq(4)), lit("champions"))
                .when(r.geq(3).and(f.geq(4)), lit("loyal"))
                .when(r.equalTo(5).and(f.equalTo(1)), lit("new"))
                .when(r.equalTo(4).and(f.equalTo(1)), lit("promising"))
                .when(r.geq(4), lit("potential_loyalist"))
                .when(r.equalTo(3).and(f.equalTo(3)), lit("need_attention"))
                .when(r.equalTo(3), lit("about_to_sleep"))
                .when(f.equalTo(5), lit("cant_lose"))
                .when(f.geq(3), lit("at_risk"))
                .when(r.equalTo(1).and(f.equalTo(1)), lit("lost"))
                .otherwise(lit("hibernating"));
    }

    static Column customerType(Column frequencyDays, Column tenureDays) {
        Column perMonth = frequencyDays.divide(greatest(tenureDays.plus(1), lit(30))).multiply(30.44);
        return when(frequencyDays.geq(6).and(perMonth.geq(2.0)), lit("exclusive"))
                .when(frequencyDays.geq(3).and(perMonth.geq(0.5)), lit("regular"))
                .when(frequencyDays.geq(2), lit("sporadic"))
                .otherwise(lit("occasional"));
    }
}
