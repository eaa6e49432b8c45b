package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class BinnedAucTest extends SparkTestSupport {

    /**
     * Positives score 0.9, 0.8, 0.4; negatives 0.7, 0.3, 0.4, 0.1. Of the 3 x 4 = 12 pairs, 0.9 and 0.8 beat all
     * four negatives (8), 0.4 beats 0.3 and 0.1 (2) and ties 0.4 (1/2): AUC = 10.5 / 12 = 0.875.
     */
    private static final List<List<String>> ROWS = List.of(
            List.of("0.9", "1"), List.of("0.8", "1"), List.of("0.4", "1"),
            List.of("0.7", "0"), List.of("0.3", "0"), List.of("0.4", "0"), List.of("0.1", "0"));

    @Test
    void fineBinsGiveTheMannWhitneyProbabilityWithTiesCountingOneHalf() {
        var rows = strings(columns("score", "label"), ROWS).selectExpr("cast(score as double) score", "cast(label as int) label");
        assertEquals(10.5 / 12, BinnedAuc.of(rows, "score", "label"), 1e-12);
        assertEquals(10.5 / 12, BinnedAuc.of(rows, "score", "label", 1000), 1e-12);
    }

    @Test
    void scoresCrowdedNextToOneAreStillRankedApart() {
        // Scores of 1 - 1e-9, 1 - 1e-8 and 1 - 1e-7 (log-odds 20.7, 18.4, 16.1). Positives 1 - 1e-9, 1 - 1e-7 and
        // exactly 1 (top bin); negatives 1 - 1e-8 and exactly 0 (bottom bin). The positive 1 - 1e-9 beats both
        // negatives, 1 - 1e-7 only the 0, and 1 both: (2 + 1 + 2) / 6.
        var rows = strings(columns("score", "label"), List.of(List.of("0.999999999", "1"), List.of("0.9999999", "1"),
                List.of("1.0", "1"), List.of("0.99999999", "0"), List.of("0.0", "0")))
                .selectExpr("cast(score as double) score", "cast(label as int) label");
        assertEquals(5.0 / 6, BinnedAuc.of(rows, "score", "label"), 1e-12);
    }

    @Test
    void coarseBinsTreatScoresInOneBinAsTied() {
        // Two bins, log-odds below 0 and from 0 up (p below and from 0.5): the upper bin holds positives 0.9, 0.8 and negative 0.7; the lower one
        // positive 0.4 and negatives 0.3, 0.4, 0.1. Each upper positive beats the 3 lower negatives and ties 0.7
        // (3.5 each); the lower positive ties its 3 negatives (1.5): AUC = (3.5 + 3.5 + 1.5) / 12.
        long[] positives = {1, 2};
        long[] negatives = {3, 1};
        assertEquals(8.5 / 12, BinnedAuc.fromHistogram(positives, negatives), 1e-12);
        var rows = strings(columns("score", "label"), ROWS).selectExpr("cast(score as double) score", "cast(label as int) label");
        assertEquals(8.5 / 12, BinnedAuc.of(rows, "score", "label", 2), 1e-12);
    }

    @Test
    void perfectSeparationIsOneAndAConstantScoreIsOneHalf() {
        assertEquals(1.0, BinnedAuc.fromHistogram(new long[] {0, 0, 5}, new long[] {4, 0, 0}), 0.0);
        assertEquals(0.0, BinnedAuc.fromHistogram(new long[] {5, 0, 0}, new long[] {0, 0, 4}), 0.0);
        assertEquals(0.5, BinnedAuc.fromHistogram(new long[] {0, 7, 0}, new long[] {0, 3, 0}), 0.0);
    }

    @Test
    void withoutBothClassesTheAucIsUndefined() {
        assertTrue(Double.isNaN(BinnedAuc.fromHistogram(new long[] {3, 1}, new long[] {0, 0})));
        assertTrue(Double.isNaN(BinnedAuc.fromHistogram(new long[] {0, 0}, new long[] {2, 2})));
    }
}
