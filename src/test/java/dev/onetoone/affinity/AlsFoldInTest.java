package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.config.OneToOneConfig.AffinityConfig;
import dev.onetoone.config.OneToOneConfig.AlsConfig;
import dev.onetoone.testing.SparkTestSupport;

class AlsFoldInTest extends SparkTestSupport {

    /**
     * By hand, rank 1: items with factors 2 and 1, so YtY = 4 + 1 = 5. A user who rated the first item 1 (alpha 1,
     * so c1 = 1) and regParam 0.5: A = 5 + 1 x 2 x 2 + 0.5 x 1 = 9.5, b = (1 + 1) x 2 = 4, x = 4 / 9.5. A rating of an
     * item without factors is left out; a user with only such ratings gets none.
     */
    @Test
    void aUsersFactorsSolveTheWeightedNormalEquations() {
        Map<Integer, float[]> items = Map.of(1, new float[] {2f}, 2, new float[] {1f});
        double[][] yty = {{5.0}};
        float[] x = AlsFoldIn.solve(List.of(RowFactory.create(1, 1.0), RowFactory.create(9, 3.0)), items, yty, 0.5, 1.0);
        assertEquals(4 / 9.5, x[0], 1e-7);
        assertNull(AlsFoldIn.solve(List.of(RowFactory.create(9, 3.0)), items, yty, 0.5, 1.0));
    }

    /**
     * MLlib's training ends with the user step against the final item factors, so folding in every user with the
     * ratings ALS was trained on gives back ALS's own user factors.
     */
    @Test
    void foldingInTheTrainingRatingsGivesBackTheTrainedUserFactors() {
        SplittableRandom random = new SplittableRandom(7);
        List<Row> rows = new ArrayList<>();
        for (int user = 0; user < 60; user++) {
            for (int item = 0; item < 25; item++) {
                // two taste groups, so the factors carry structure
                double chance = (user % 2 == item % 2) ? 0.35 : 0.08;
                if (random.nextDouble() < chance) {
                    rows.add(RowFactory.create(user, item, (float) Math.log1p(1 + random.nextInt(5))));
                }
            }
        }
        StructType schema = new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType)
                .add("rating", DataTypes.FloatType);
        Dataset<Row> ratings = spark().createDataFrame(rows, schema);
        double regParam = 0.1;
        double alpha = 2.0;
        ALSModel model = new ALS().setImplicitPrefs(true).setRank(4).setMaxIter(4).setRegParam(regParam).setAlpha(alpha)
                .setNumUserBlocks(2).setNumItemBlocks(2).setSeed(11).setUserCol("user").setItemCol("item").setRatingCol("rating")
                .fit(ratings);

        Map<Integer, List<Float>> trained = new HashMap<>();
        for (Row row : model.userFactors().collectAsList()) {
            trained.put(row.getInt(0), row.getList(1));
        }
        List<Row> folded = AlsFoldIn.userFactors(ratings, model.itemFactors(), regParam, alpha).collectAsList();
        assertEquals(trained.size(), folded.size());
        double largest = 0;
        for (Row row : folded) {
            List<Float> expected = trained.get(row.getInt(0));
            List<Float> actual = row.getList(1);
            for (int f = 0; f < expected.size(); f++) {
                largest = Math.max(largest, Math.abs(expected.get(f)));
                assertEquals(expected.get(f), actual.get(f), 1e-4, "user " + row.getInt(0) + " factor " + f);
            }
        }
        assertTrue(largest > 0.05, "the factors are not all near 0: largest " + largest);
    }

    /**
     * A night between two trainings folds its customers in against the training night's item factors: on the
     * training night's own lines, every customer's candidates and scores are those of the training (to float
     * precision), without training ALS again.
     */
    @Test
    void candidatesFromKeptItemFactorsEqualThoseOfTheTrainingNight(@TempDir Path work) {
        SplittableRandom random = new SplittableRandom(3);
        var data = new AffinityTestData();
        for (int product = 0; product < 12; product++) {
            data.product("P" + product, "c" + (product % 3), true);
        }
        for (int customer = 0; customer < 40; customer++) {
            for (int product = 0; product < 12; product++) {
                if (random.nextDouble() < (customer % 3 == product % 3 ? 0.5 : 0.1)) {
                    data.buy("u" + customer, "P" + product, "c" + (product % 3), "2025-03-" + (10 + random.nextInt(19)), "t" + customer + "-" + product);
                }
            }
        }
        LocalDate asOf = LocalDate.parse("2025-03-31");
        AffinityConfig d = testConfig().affinity();
        // every product is a candidate, so the comparison does not depend on a cut among near-equal scores
        AffinityConfig settings = new AffinityConfig(d.topK(), d.horizonDays(), d.halfLifeDays(), d.activePAlive(), d.maxPerCategory(),
                d.newProducts(), d.excludeDurableDays(), d.cyclePriorGaps(), 100, d.popularityDays(), d.coOccurrence(), new AlsConfig(4, 4, 0.1, 2.0, 2, 10),
                d.weights(), d.ranker());
        var lines = ProductLines.of(data.transactions(), data.products(), asOf, 90.0);
        var customers = lines.select("customer_id").distinct();
        String path = work.resolve("als_item_factors").toString();
        Map<String, Double> trained = scores(CollaborativeScorer.score(lines, customers, settings, new CollaborativeScorer.ItemFactors(path, true)));
        Map<String, Double> folded = scores(CollaborativeScorer.score(lines, customers, settings, new CollaborativeScorer.ItemFactors(path, false)));
        assertTrue(trained.size() > 100, trained.size() + " candidates");
        assertEquals(trained.keySet(), folded.keySet());
        trained.forEach((key, score) -> assertEquals(score, folded.get(key), 1e-3, key));
    }

    private static Map<String, Double> scores(Dataset<Row> candidates) {
        Map<String, Double> scores = new HashMap<>();
        for (Row row : candidates.collectAsList()) {
            scores.put(row.getAs("customer_id") + "|" + row.getAs("product_id"), row.getAs("collaborative_score"));
        }
        return scores;
    }
}
