package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.config.OneToOneConfig.AffinityConfig;
import dev.onetoone.config.OneToOneConfig.NoisyOrWeights;
import dev.onetoone.config.OneToOneConfig.RankerConfig;
import dev.onetoone.config.OneToOneConfig.TifuConfig;
import dev.onetoone.testing.SparkTestSupport;

/**
 * Product statistics kept from a training night: a later night that reads them ranks with the training night's
 * product figures, and one that does not keep them aggregates tonight's lines. Every figure is worked out by hand.
 */
class ProductStatisticsTest extends SparkTestSupport {
    private static final LocalDate TRAINED = LocalDate.parse("2025-03-31");
    private static final LocalDate TONIGHT = LocalDate.parse("2025-04-03");

    /**
     * By the training night, X has buyers a (two days, 19 days apart) and b (one day); c bought Y. After it, e buys X
     * on two days 2 days apart, and a buys Y.
     */
    private static AffinityTestData data() {
        return new AffinityTestData().product("X", "c", true).product("Y", "c", true)
                .buy("a", "X", "c", "2025-03-01").buy("a", "X", "c", "2025-03-20")
                .buy("b", "X", "c", "2025-03-10")
                .buy("c", "Y", "c", "2025-03-15")
                .buy("e", "X", "c", "2025-04-01").buy("e", "X", "c", "2025-04-03")
                .buy("a", "Y", "c", "2025-04-02");
    }

    /**
     * The defaults without ALS, which reads no product statistics (its kept factors have a test of their own), and
     * with a TIFU-KNN pool of one customer, so that a night with kept statistics reads the lines of fewer customers
     * than there are.
     */
    private static AffinityConfig settings() {
        AffinityConfig d = testConfig().affinity();
        RankerConfig r = d.ranker();
        TifuConfig t = r.tifu();
        RankerConfig onePool = new RankerConfig(r.excludedProducts(), r.retrainDays(), r.model(), r.trainingCustomers(),
                new TifuConfig(t.groupSize(), t.withinGroupDecay(), t.acrossGroupDecay(), t.neighbours(), t.alpha(), 1, t.maxProducts()));
        return new AffinityConfig(d.topK(), d.horizonDays(), d.halfLifeDays(), d.activePAlive(), d.maxPerCategory(), d.newProducts(), d.excludeDurableDays(),
                d.cyclePriorGaps(), d.candidatesPerSource(), d.popularityDays(), d.coOccurrence(), d.als(),
                new NoisyOrWeights(d.weights().buyAgain(), 0, 0, d.weights().popularity()), onePool);
    }

    /** customer/product to TIFU-KNN score. */
    private static java.util.Map<String, Double> tifu(Dataset<Row> scores) {
        java.util.Map<String, Double> map = new java.util.HashMap<>();
        for (Row row : scores.collectAsList()) {
            map.put(row.<String>getAs("customer_id") + "/" + row.<String>getAs("product_id"), row.<Double>getAs("tifu_score"));
        }
        return map;
    }

    private static Dataset<Row> customers(String... ids) {
        return spark().createDataset(List.of(ids), Encoders.STRING()).toDF("customer_id");
    }

    /** The features of b's candidate X tonight. */
    private static Row bX(ProductAffinity affinity) {
        var data = data();
        Dataset<Row> candidates = affinity.candidates(data.transactions(), data.products(), customers("a", "b"), TONIGHT, 30);
        return affinity.features(candidates, TONIGHT).where("customer_id = 'b' AND product_id = 'X'").first();
    }

    @Test
    void aNightBetweenTrainingsRanksWithTheTrainingNightsProductFiguresAndOneWithoutSavedFiguresAggregatesItsLines(@TempDir Path dir) {
        String path = dir.resolve("product_statistics").toString();
        var data = data();
        var training = ProductAffinity.nightly(settings()).keepingProductStatistics(path, true);
        training.candidates(data.transactions(), data.products(), customers("a", "b", "c"), TRAINED, 30);
        assertEquals(0L, training.measurements().get("product_statistics_kept"));

        var kept = ProductAffinity.nightly(settings()).keepingProductStatistics(path, false);
        Row withKept = bX(kept);
        assertEquals(1L, kept.measurements().get("product_statistics_kept"));
        // It read the lines of a and b and of the pool's one customer only, and TIFU-KNN scored as from every line.
        assertEquals(1L, kept.measurements().get("purchase_lines_of_ranked_and_pool_only"));
        var read = new java.util.HashSet<>(kept.purchaseLines().select("customer_id").distinct().as(Encoders.STRING()).collectAsList());
        assertEquals(true, read.containsAll(List.of("a", "b")) && read.size() <= 3, read.toString());
        var allLines = ProductLines.of(data.transactions(), data.products(), TONIGHT, settings().halfLifeDays());
        var everyLine = tifu(TifuKnn.scoreFromLines(allLines, customers("a", "b"), settings().ranker()));
        assertEquals(everyLine, tifu(kept.tifuScores()));
        assertEquals(true, everyLine.size() >= 3, everyLine.toString());
        // As of the training night X has 2 buyers, 1 of them a repeat buyer: (1 + 1) / (2 + 2); its only gap is a's 19
        // days, so b (one purchase day, no gap of their own) takes the product's cycle, 19 days.
        assertEquals(Math.log1p(2), withKept.<Double>getAs("product_log_buyers"), 1e-12);
        assertEquals(0.5, withKept.<Double>getAs("product_repeat_rate"), 1e-12);
        assertEquals(19.0, withKept.<Double>getAs("cycle_days"), 1e-9);

        // Nothing saved where the night looks (a warehouse from before the statistics were kept): aggregated tonight,
        // 3 buyers, 2 of them repeat buyers, (2 + 1) / (3 + 2); gaps of 19 and 2 days over 2 gaps.
        var notSaved = ProductAffinity.nightly(settings()).keepingProductStatistics(dir.resolve("none").toString(), false);
        Row fresh = bX(notSaved);
        assertEquals(0L, notSaved.measurements().get("product_statistics_kept"));
        assertEquals(0L, notSaved.measurements().get("purchase_lines_of_ranked_and_pool_only"));
        assertEquals(Math.log1p(3), fresh.<Double>getAs("product_log_buyers"), 1e-12);
        assertEquals(0.6, fresh.<Double>getAs("product_repeat_rate"), 1e-12);
        assertEquals(10.5, fresh.<Double>getAs("cycle_days"), 1e-9);
    }
}
