package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
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
