package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.config.ConfigLoader;
import dev.onetoone.testing.SparkTestSupport;

class CollaborativeScorerTest extends SparkTestSupport {

    /**
     * The same purchase lines, delivered in another order and in another number of partitions (as after a task is run
     * again on a cluster, or with another shuffle partition count), give the same ALS candidates and scores: ALS's
     * blocks and initial factors follow each id, not the order in which the ids arrived.
     */
    @Test
    void theCandidatesDependOnTheLinesNotOnTheOrderTheyArriveIn() {
        SplittableRandom random = new SplittableRandom(3);
        List<Row> rows = new ArrayList<>();
        LocalDate start = LocalDate.of(2025, 1, 1);
        for (int customer = 0; customer < 40; customer++) {
            for (int product = 0; product < 30; product++) {
                // two taste groups, so that ALS has structure to find and near-ties to break
                double chance = (customer % 2 == product % 2) ? 0.3 : 0.05;
                if (random.nextDouble() < chance) {
                    LocalDate day = start.plusDays(random.nextInt(300));
                    rows.add(RowFactory.create(String.format("C%03d", customer), String.format("P%03d", product),
                            Date.valueOf(day), Math.exp(-random.nextDouble())));
                }
            }
        }
        StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("product_id", DataTypes.StringType)
                .add("purchase_date", DataTypes.DateType).add("weight", DataTypes.DoubleType);
        List<Row> reversed = new ArrayList<>(rows);
        Collections.reverse(reversed);
        Dataset<Row> inOrder = spark().createDataFrame(rows, schema).coalesce(1);
        Dataset<Row> otherOrder = spark().createDataFrame(reversed, schema).repartition(3);
        // A small model: the order of the ids changes any number of iterations
        var settings = new ConfigLoader().withOverrides(Map.of("affinity.als.rank", "4", "affinity.als.max-iter", "3")).load().affinity();

        Map<String, Double> first = scores(CollaborativeScorer.score(inOrder, inOrder.select("customer_id").distinct(), settings));
        Map<String, Double> second = scores(CollaborativeScorer.score(otherOrder, otherOrder.select("customer_id").distinct(), settings));
        assertTrue(first.size() >= 40, "candidates for every customer: " + first.size());
        assertEquals(first.keySet(), second.keySet(), "the same candidates");
        for (Map.Entry<String, Double> candidate : first.entrySet()) {
            assertEquals(candidate.getValue(), second.get(candidate.getKey()), 1e-5, candidate.getKey());
        }
    }

    private static Map<String, Double> scores(Dataset<Row> candidates) {
        Map<String, Double> scores = new HashMap<>();
        for (Row row : candidates.collectAsList()) {
            scores.put(row.getAs("customer_id") + "/" + row.getAs("product_id"), ((Number) row.getAs("collaborative_score")).doubleValue());
        }
        return scores;
    }
}
