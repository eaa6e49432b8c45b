package dev.onetoone.affinity;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.onetoone.io.ModelFiles;

/**
 * What the sources and the ranker learn about each product from every customer's lines, as of one date: the
 * ranker's product features ({@link RankerFeatures#productFeatures}), the popularity that {@link PopularityScorer}
 * ranks by, and the gap sums from which {@link BuyAgainScorer} takes the product, category and overall cycles. They
 * are the parts of a ranking that read every line; everything else reads the lines of the customers ranked.
 *
 * <p>Kept with the ranker: the night that trains the ranker computes them from every line and saves them (as it saves
 * ALS's item factors); a night between two trainings reads them, so that re-ranking the few customers with new lines
 * does not aggregate every line of the history again. Between trainings the products' figures are those of the
 * training night, like the ranker that was fitted to them: a product's trend or popularity moves with the weekly
 * retraining, not each night.
 */
public record ProductStatistics(Dataset<Row> features, Dataset<Row> popularity, Dataset<Row> cycleSums) {
    private static final String FEATURES = "features";
    private static final String POPULARITY = "popularity";
    private static final String CYCLE_SUMS = "cycle_sums";

    /** Where a training's statistics are kept, and whether tonight computes and saves them there ({@code save}) or reads them. */
    public record Kept(String path, boolean save) {
    }

    /** From {@link ProductLines#of} rows of every customer; each part materialised (local checkpoint). */
    static ProductStatistics of(Dataset<Row> lines, int popularityDays) {
        return new ProductStatistics(RankerFeatures.productFeatures(lines).localCheckpoint(true),
                PopularityScorer.popularity(lines, popularityDays).localCheckpoint(true),
                BuyAgainScorer.cycleSums(lines).localCheckpoint(true));
    }

    /** Writes the three parts under {@code path} (Parquet; a rerun of the training night replaces them). */
    void save(String path) {
        features.write().mode("overwrite").parquet(path + "/" + FEATURES);
        popularity.write().mode("overwrite").parquet(path + "/" + POPULARITY);
        cycleSums.write().mode("overwrite").parquet(path + "/" + CYCLE_SUMS);
    }

    /** The statistics saved under {@code path}. */
    static ProductStatistics read(SparkSession spark, String path) {
        return new ProductStatistics(spark.read().parquet(path + "/" + FEATURES), spark.read().parquet(path + "/" + POPULARITY),
                spark.read().parquet(path + "/" + CYCLE_SUMS));
    }

    /** Whether every part was saved under {@code path} (each write leaves a _SUCCESS marker when it completes). */
    static boolean saved(SparkSession spark, String path) {
        return ModelFiles.complete(spark, path + "/" + FEATURES) && ModelFiles.complete(spark, path + "/" + POPULARITY)
                && ModelFiles.complete(spark, path + "/" + CYCLE_SUMS);
    }
}
