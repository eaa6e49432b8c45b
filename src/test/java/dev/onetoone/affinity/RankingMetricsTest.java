package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class RankingMetricsTest extends SparkTestSupport {
    private static final double LOG2_3 = Math.log(3) / Math.log(2);
    private static final double LOG2_4 = 2.0;

    @Test
    void precisionRecallNdcgHitRateAndCoverageByHand() {
        // Customer a bought P1 (repeat) and P3 (new); customer b bought P9 (new), which nobody ranked.
        Dataset<Row> relevant = spark().sql("SELECT * FROM VALUES ('a', 'P1', true), ('a', 'P3', false), ('b', 'P9', false) "
                + "AS t(customer_id, product_id, is_repeat)");
        Dataset<Row> ranked = spark().sql("SELECT * FROM VALUES "
                + "('m', 'a', 'P3', 1), ('m', 'a', 'P2', 2), ('m', 'a', 'P1', 3), ('m', 'b', 'P1', 1), ('m', 'b', 'P2', 2), ('m', 'b', 'P4', 3) "
                + "AS t(predictor, customer_id, product_id, rank)");
        Dataset<Row> predictors = spark().sql("SELECT 'm' AS predictor");
        Map<String, Row> bySegment = new HashMap<>();
        for (Row row : RankingMetrics.evaluate(ranked, relevant, predictors, 2, 10).collectAsList()) {
            bySegment.put(row.getAs("segment"), row);
        }
        // k = 2. a: top 2 = P3 (hit, rank 1), P2; b: no hit.
        Row all = bySegment.get("all");
        assertEquals(2L, all.<Long>getAs("customers"));
        assertEquals((0.5 + 0.0) / 2, all.<Double>getAs("precision_at_k"), 1e-12);
        assertEquals((0.5 + 0.0) / 2, all.<Double>getAs("recall_at_k"), 1e-12);
        // a: DCG = 1/log2(2) = 1; IDCG over 2 relevant = 1 + 1/log2(3).
        assertEquals((1.0 / (1.0 + 1.0 / LOG2_3) + 0.0) / 2, all.<Double>getAs("ndcg_at_k"), 1e-12);
        assertEquals(0.5, all.<Double>getAs("hit_rate_at_k"), 1e-12);
        // Top-2 products over both customers: P3, P2, P1 of a catalogue of 10.
        assertEquals(0.3, all.<Double>getAs("coverage"), 1e-12);

        // Repeat: only a (P1), which is at rank 3 > k.
        Row repeat = bySegment.get("repeat");
        assertEquals(1L, repeat.<Long>getAs("customers"));
        assertEquals(0.0, repeat.<Double>getAs("ndcg_at_k"), 1e-12);
        // Explore: a (P3 at rank 1: NDCG 1) and b (P9 missing: 0).
        Row explore = bySegment.get("explore");
        assertEquals(2L, explore.<Long>getAs("customers"));
        assertEquals(0.5, explore.<Double>getAs("ndcg_at_k"), 1e-12);
        assertEquals(0.5, explore.<Double>getAs("recall_at_k"), 1e-12);

        // k = 3 for the repeat segment: P1 at rank 3, DCG = 1/log2(4), IDCG = 1.
        Row repeatAt3 = RankingMetrics.evaluate(ranked, relevant, predictors, 3, 10).where("segment = 'repeat'").first();
        assertEquals(1.0 / LOG2_4, repeatAt3.<Double>getAs("ndcg_at_k"), 1e-12);
        assertEquals(1.0 / 3, repeatAt3.<Double>getAs("precision_at_k"), 1e-12);
    }
}
