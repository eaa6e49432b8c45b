package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The area under the ROC curve of a score in [0, 1] for a 0/1 label, from a histogram: the scores are cut into
 * equal-width bins with a groupBy, only the (bin, label) counts (at most twice the number of bins) come to the
 * driver, and the AUC is the Mann-Whitney probability that a random positive scores above a random negative, ties
 * counting one half: AUC = Σ_b pos_b (neg_(below b) + neg_b / 2) / (P N). Scores in one bin count as tied, so the
 * result is the trapezoidal AUC of the ROC curve through the bin edges; with 10,000 bins it differs from the exact
 * rank statistic only by pairs whose scores lie within 10^-4 of each other.
 */
public final class BinnedAuc {

    /** Bins used by {@link #of(Dataset, String, String)}. */
    public static final int DEFAULT_BINS = 10_000;

    private BinnedAuc() {
    }

    /** AUC of {@code score} (clamped to [0, 1]) for {@code label} (1 positive, 0 negative); NaN without both classes. */
    public static double of(Dataset<Row> rows, String score, String label) {
        return of(rows, score, label, DEFAULT_BINS);
    }

    static double of(Dataset<Row> rows, String score, String label, int bins) {
        var bin = least(greatest(floor(col(score).multiply(bins)), lit(0L)), lit((long) bins - 1)).cast("int");
        long[] positives = new long[bins];
        long[] negatives = new long[bins];
        for (Row row : rows.groupBy(bin.as("bin"), col(label).cast("int").as("label")).agg(count(lit(1)).as("n")).collectAsList()) {
            int index = row.getInt(0);
            if (row.getInt(1) == 1) {
                positives[index] += row.getLong(2);
            } else {
                negatives[index] += row.getLong(2);
            }
        }
        return fromHistogram(positives, negatives);
    }

    /** AUC from per-bin counts of positives and negatives, bins in ascending score order. */
    static double fromHistogram(long[] positives, long[] negatives) {
        if (positives.length != negatives.length) {
            throw new IllegalArgumentException("histograms differ in length: " + positives.length + ", " + negatives.length);
        }
        double pairsWon = 0.0;
        double negativesBelow = 0.0;
        double totalPositives = 0.0;
        for (int b = 0; b < positives.length; b++) {
            pairsWon += positives[b] * (negativesBelow + negatives[b] / 2.0);
            negativesBelow += negatives[b];
            totalPositives += positives[b];
        }
        if (totalPositives == 0.0 || negativesBelow == 0.0) {
            return Double.NaN;
        }
        return pairsWon / (totalPositives * negativesBelow);
    }
}
