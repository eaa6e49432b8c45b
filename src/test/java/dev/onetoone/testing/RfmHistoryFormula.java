package dev.onetoone.testing;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.io.Tables;

/**
 * The rfm query as it was before rfm was read from customer_state: the measures from all transaction lines up to the
 * as-of date, then the same scores. Kept in the tests as the reference {@link dev.onetoone.rfm.RfmScoring} must
 * reproduce; see that class for the definitions.
 */
public final class RfmHistoryFormula {
    private static final double[] QUINTILES = {0.2, 0.4, 0.6, 0.8};

    private final double quantileRelativeError;

    public RfmHistoryFormula(double quantileRelativeError) {
        this.quantileRelativeError = quantileRelativeError;
    }

    public Dataset<Row> compute(Dataset<Row> transactions, LocalDate asOf) {
        Column asOfDate = lit(Date.valueOf(asOf));
        Dataset<Row> upToAsOf = transactions.where(col("purchase_date").leq(asOfDate));
        Column purchaseDate = when(col("is_return").unary_$bang(), col("purchase_date"));
        Column orderKey = when(col("is_return").unary_$bang(),
                coalesce(col("transaction_id"), concat(lit("day:"), col("purchase_date").cast("string"))));
        Dataset<Row> measures = upToAsOf.groupBy("customer_id").agg(
                        min(purchaseDate).as("first_purchase_date"),
                        max(purchaseDate).as("last_purchase_date"),
                        count_distinct(purchaseDate).as("frequency_days"),
                        count_distinct(orderKey).as("frequency_orders"),
                        sum(col("amount")).as("monetary_total"))
                .where(col("first_purchase_date").isNotNull())
                .select(
                        asOfDate.as("as_of"),
                        col("customer_id"),
                        col("first_purchase_date"),
                        col("last_purchase_date"),
                        date_diff(asOfDate, col("first_purchase_date")).as("tenure_days"),
                        date_diff(asOfDate, col("last_purchase_date")).as("recency_days"),
                        col("frequency_days").cast(DataTypes.IntegerType).as("frequency_days"),
                        col("frequency_orders"),
                        col("monetary_total").cast(Tables.MONEY).as("monetary_total"),
                        col("monetary_total").divide(col("frequency_orders")).cast(Tables.MONEY).as("monetary_avg"))
                .cache();

        double[][] cuts = measures.stat().approxQuantile(
                new String[] {"recency_days", "frequency_days", "monetary_total"}, QUINTILES, quantileRelativeError);
        Column recencyBelow = countBelow(col("recency_days"), cuts[0]);
        Dataset<Row> scored = measures
                .withColumn("r_score", lit(5).minus(recencyBelow))
                .withColumn("f_score", lit(1).plus(countBelow(col("frequency_days"), cuts[1])))
                .withColumn("m_score", lit(1).plus(countBelow(col("monetary_total").cast(DataTypes.DoubleType), cuts[2])))
                .withColumn("rfm_cell", concat(col("r_score").cast("string"), col("f_score").cast("string"), col("m_score").cast("string")))
                .withColumn("segment", segment(col("r_score"), col("f_score")))
                .withColumn("customer_type", customerType(col("frequency_days"), col("tenure_days")));
        return scored;
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
