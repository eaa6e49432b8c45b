package dev.onetoone.io;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Datasets a stage keeps beside the tables (under {@code _models}): ALS's item factors, the product statistics. */
public final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * Whether a dataset was written completely at {@code path}: Spark's file committer leaves a {@code _SUCCESS}
     * marker when the whole write has committed, so a write cut short is not taken for a saved one.
     */
    public static boolean complete(SparkSession spark, String path) {
        try {
            var directory = new Path(path);
            return directory.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(new Path(directory, "_SUCCESS"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for a saved dataset at " + path, e);
        }
    }
}
