package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class ScoresTest extends SparkTestSupport {

    /**
     * In doubles, (0.1 + 0.2) + 0.3 = 0.6000000000000001 but (0.3 + 0.2) + 0.1 = 0.6: a plain sum of the same values in
     * two orders differs in its last bit, while the order-free sum is the same, and 0.6 to within its unit.
     */
    @Test
    void theOrderFreeSumOfTheSameValuesInAnyOrderIsTheSame() {
        double forwards = sumOf(List.of(0.1, 0.2, 0.3), sum(col("value")));
        double backwards = sumOf(List.of(0.3, 0.2, 0.1), sum(col("value")));
        assertNotEquals(forwards, backwards, "a plain double sum follows the order of its terms");

        double orderFreeForwards = sumOf(List.of(0.1, 0.2, 0.3), Scores.orderFreeSum(col("value")));
        double orderFreeBackwards = sumOf(List.of(0.3, 0.2, 0.1), Scores.orderFreeSum(col("value")));
        assertEquals(orderFreeForwards, orderFreeBackwards, 0.0);
        assertEquals(0.6, orderFreeForwards, 3 * Scores.SUM_UNIT);
    }

    /** One partition, so that the rows are added in the order given. */
    private static double sumOf(List<Double> values, org.apache.spark.sql.Column aggregate) {
        Dataset<Row> rows = spark().createDataFrame(values.stream().map(value -> RowFactory.create(value)).toList(),
                new StructType().add("value", DataTypes.DoubleType)).coalesce(1);
        return rows.agg(aggregate).first().getDouble(0);
    }
}
