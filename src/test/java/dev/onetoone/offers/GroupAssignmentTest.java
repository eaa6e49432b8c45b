package dev.onetoone.offers;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class GroupAssignmentTest extends SparkTestSupport {
    private static final int CUSTOMERS = 20_000;

    private static Dataset<Row> holdout(String salt, int partitions) {
        return spark().range(CUSTOMERS).repartition(partitions).select(col("id").cast("string").as("customer_id"))
                .where(GroupAssignment.draw(salt, "holdout", col("customer_id")).lt(0.05));
    }

    @Test
    void holdoutShareIsWithinBinomialBoundsAndTheSameOnEveryRun() {
        Dataset<Row> first = holdout("spring", 2);
        long size = first.count();
        // binomial(20000, 0.05): mean 1000, standard deviation 30.8; four standard deviations either side
        assertTrue(Math.abs(size - 1000) < 4 * Math.sqrt(CUSTOMERS * 0.05 * 0.95), "holdout of " + size);
        Dataset<Row> again = holdout("spring", 7);
        assertEquals(0, first.except(again).count() + again.except(first).count(), "the same salt gives the same customers");
        Dataset<Row> other = holdout("autumn", 2);
        long shared = first.intersect(other).count();
        // independent draws: about 5% of the first holdout is in the second
        assertTrue(shared < 0.2 * size, "a new salt redraws the holdout; overlap " + shared);
    }

    @Test
    void drawsForDifferentPurposesAreIndependent() {
        Dataset<Row> ids = spark().range(CUSTOMERS).select(col("id").cast("string").as("customer_id"));
        long both = ids.where(GroupAssignment.draw("s", "holdout", col("customer_id")).lt(0.5)
                .and(GroupAssignment.draw("s", "control", col("customer_id")).lt(0.5))).count();
        // 0.25 x 20000 = 5000, standard deviation 61
        assertTrue(Math.abs(both - 5000) < 4 * Math.sqrt(CUSTOMERS * 0.25 * 0.75), "both below one half: " + both);
    }
}
