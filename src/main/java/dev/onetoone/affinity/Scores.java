package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** Per-customer operations shared by the scorers; every window is partitioned, none is global. */
final class Scores {
    private Scores() {
    }

    /** {@link #orderFreeSum}'s unit: 2^-40, about 9e-13. */
    static final double SUM_UNIT = 0x1p-40;

    /**
     * The sum of a group's values, the same whatever order the rows arrive in: each value is rounded to a multiple of
     * {@link #SUM_UNIT} and the multiples are added as longs, which is exact. A sum of doubles ends in bits that follow
     * the order of its terms, so two products bought on the same days, whose decayed weights are equal, could swap
     * places in a ranking between two runs of the same lines (another partition count, a task run again on a
     * cluster). For values of at most a few million each.
     */
    static Column orderFreeSum(Column values) {
        return sum(round(values.divide(SUM_UNIT)).cast("long")).multiply(SUM_UNIT);
    }

    /** The first {@code n} rows of each group by the given order (ties broken by the order's last column). */
    static Dataset<Row> topPerGroup(Dataset<Row> rows, String group, int n, Column... order) {
        return rows.withColumn("_position", row_number().over(Window.partitionBy(group).orderBy(order)))
                .where(col("_position").leq(n))
                .drop("_position");
    }

    /**
     * Divides a non-negative score by its largest value for the customer, so that the customer's best candidate of
     * the source scores 1; a customer whose scores are all 0 keeps 0 (never NaN).
     */
    static Dataset<Row> scaleToCustomerMax(Dataset<Row> rows, String score) {
        Column largest = max(col(score)).over(Window.partitionBy("customer_id"));
        return rows.withColumn(score, when(largest.gt(0), try_divide(col(score), largest)).otherwise(0.0));
    }
}
