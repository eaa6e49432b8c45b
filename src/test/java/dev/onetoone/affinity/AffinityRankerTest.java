package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class AffinityRankerTest extends SparkTestSupport {

    /**
     * 60 customers with 6 candidates each. The label is 1 for the two candidates with the highest tifu_score; the
     * buy-again score is the reverse order, and "noise" is unrelated. Everything else of the feature vector is 0.
     */
    private static Dataset<Row> labelled() {
        StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("product_id", DataTypes.StringType)
                .add("tifu_score", DataTypes.DoubleType).add("label", DataTypes.DoubleType).add("repeat", DataTypes.DoubleType);
        for (String feature : RankerFeatures.FEATURES) {
            if (!feature.equals("repeat")) {
                schema = schema.add(feature, DataTypes.DoubleType);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int customer = 0; customer < 60; customer++) {
            for (int product = 0; product < 6; product++) {
                List<Object> values = new ArrayList<>(List.of("c" + customer, "p" + product, 0.1 * (product + 1) + 0.001 * customer,
                        product >= 4 ? 1.0 : 0.0, 1.0));
                for (String feature : RankerFeatures.FEATURES) {
                    if (feature.equals("repeat")) {
                        continue;
                    }
                    values.add(switch (feature) {
                        case "buy_again_score" -> 1.0 - 0.1 * product;
                        case "purchase_days" -> (double) ((customer * 7 + product * 3) % 5);
                        default -> 0.0;
                    });
                }
                rows.add(RowFactory.create(values.toArray()));
            }
        }
        return spark().createDataFrame(rows, schema);
    }

    @Test
    void aSingleScoreChallengerOrdersTheCandidatesAsItsScoreDoes() {
        Dataset<Row> data = labelled();
        AffinityRanker.Trained tifu = AffinityRanker.train(data, AffinityRanker.TIFU_KNN_SCORE, RankerFeatures.FEATURES);
        // The top two of six by tifu_score are exactly the bought ones: NDCG@10 on held-out customers is 1.
        assertEquals(1.0, tifu.validationNdcg().get(AffinityRanker.TIFU_KNN_SCORE), 1e-9);
        assertEquals(List.of("tifu_score"), List.copyOf(tifu.importances().keySet()));
        for (Row row : AffinityRanker.score(tifu.model(), data.where("customer_id = 'c7'")).orderBy("product_id").collectAsList()) {
            double score = row.getAs("score");
            assertTrue(score > 0 && score < 1, "a probability: " + score);
        }
        List<String> order = AffinityRanker.score(tifu.model(), data.where("customer_id = 'c7'")).orderBy(org.apache.spark.sql.functions.col("score").desc())
                .select("product_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(List.of("p5", "p4", "p3", "p2", "p1", "p0"), order);
    }

    private static org.apache.spark.sql.Dataset<Row> perCustomer(double... ndcg) {
        List<Row> rows = new java.util.ArrayList<>();
        for (int c = 0; c < ndcg.length; c++) {
            rows.add(org.apache.spark.sql.RowFactory.create("c" + c, ndcg[c]));
        }
        return spark().createDataFrame(rows, new org.apache.spark.sql.types.StructType()
                .add("customer_id", org.apache.spark.sql.types.DataTypes.StringType).add("ndcg", org.apache.spark.sql.types.DataTypes.DoubleType));
    }

    private static String choose(double[] learned, double[] single) {
        var types = List.of(AffinityRanker.GBT, AffinityRanker.TIFU_KNN_SCORE);
        var ndcg = java.util.Map.of(AffinityRanker.GBT, java.util.Arrays.stream(learned).average().orElseThrow(),
                AffinityRanker.TIFU_KNN_SCORE, java.util.Arrays.stream(single).average().orElseThrow());
        return AffinityRanker.choose(types, ndcg, java.util.Map.of(AffinityRanker.GBT, perCustomer(learned), AffinityRanker.TIFU_KNN_SCORE, perCustomer(single)));
    }

    @Test
    void aLearnedModelReplacesTheChallengerOnlyWhenItLeadsByMoreThanOneStandardError() {
        // Differences 0.1, 0.2, 0.1, 0.2: mean 0.15, sample sd 0.0577, standard error 0.0289 < 0.15.
        assertEquals(AffinityRanker.GBT, choose(new double[] {0.6, 0.6, 0.6, 0.6}, new double[] {0.5, 0.4, 0.5, 0.4}));
        // Differences 0.8, -0.5, 0.6, -0.3: the same mean lead 0.15, but sd 0.6455 and standard error 0.3227 > 0.15.
        assertEquals(AffinityRanker.TIFU_KNN_SCORE, choose(new double[] {1.0, 0.0, 0.9, 0.1}, new double[] {0.2, 0.5, 0.3, 0.4}));
        // No lead at all.
        assertEquals(AffinityRanker.TIFU_KNN_SCORE, choose(new double[] {1, 0, 1, 0}, new double[] {0, 1, 0, 1}));
    }
    /**
     * 300 customers with 8 candidates each, features drawn at random and the label drawn from a logistic function of
     * two of them, so that the trees' 0.8 row subsample changes what they learn.
     */
    private static Dataset<Row> noisy() {
        StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("product_id", DataTypes.StringType)
                .add("label", DataTypes.DoubleType);
        for (String feature : RankerFeatures.FEATURES) {
            schema = schema.add(feature, DataTypes.DoubleType);
        }
        java.util.Random random = new java.util.Random(5);
        List<Row> rows = new ArrayList<>();
        for (int customer = 0; customer < 300; customer++) {
            for (int product = 0; product < 8; product++) {
                double[] values = new double[RankerFeatures.FEATURES.size()];
                for (int f = 0; f < values.length; f++) {
                    values[f] = random.nextGaussian();
                }
                double odds = Math.exp(values[0] - 0.5 * values[2] - 1.0);
                List<Object> row = new ArrayList<>(List.of("c" + customer, "p" + product, random.nextDouble() < odds / (1 + odds) ? 1.0 : 0.0));
                for (double value : values) {
                    row.add(value);
                }
                rows.add(RowFactory.create(row.toArray()));
            }
        }
        return spark().createDataFrame(rows, schema);
    }

    private static List<Double> scores(AffinityRanker.Trained trained, Dataset<Row> data) {
        return AffinityRanker.score(trained.model(), data).orderBy("customer_id", "product_id").select("score")
                .as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList();
    }

    /** The same rows, in one partition or reversed in three, train the same trees: the layout comes from the rows alone. */
    @Test
    void theTreesDependOnTheTrainingRowsNotOnTheirOrder() {
        Dataset<Row> data = noisy();
        Dataset<Row> onePartition = data.coalesce(1);
        Dataset<Row> reversedInThree = data.orderBy(org.apache.spark.sql.functions.col("customer_id").desc(),
                org.apache.spark.sql.functions.col("product_id").desc()).repartition(3);
        List<Double> first = scores(AffinityRanker.train(onePartition, AffinityRanker.GBT, RankerFeatures.FEATURES), data);
        List<Double> second = scores(AffinityRanker.train(reversedInThree, AffinityRanker.GBT, RankerFeatures.FEATURES), data);
        assertEquals(2400, first.size());
        assertEquals(first, second);
    }
}
