package dev.onetoone.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.testing.SparkTestSupport;

/**
 * {@link SparkSessions#splitFileScans}: eight Parquet files of a few kilobytes, with Spark's per-file open cost set to
 * one byte so that the files' own sizes decide the packing. By default a scan's splits hold up to half the bytes each
 * (one per core, local[2]), and files are packed whole: two or three tasks, as ingest's 270 MB became 3 tasks. In
 * the scope, four tasks per core: splits of an eighth of the bytes, at least one per file, and a Dataset cached there
 * keeps them after the scope closes.
 */
class SplitFileScansTest extends SparkTestSupport {
    private static final String OPEN_COST = "spark.sql.files.openCostInBytes";
    private SparkSession spark;

    @BeforeEach
    void smallOpenCost() {
        spark = spark();
        spark.conf().set(OPEN_COST, "1");
    }

    @AfterEach
    void restore() {
        spark.conf().unset(OPEN_COST);
        spark.conf().unset(SparkSessions.MIN_FILE_PARTITIONS);
    }

    @Test
    void aScanInTheScopeHasFourTasksPerCoreAndTheCacheKeepsThem(@TempDir Path directory) {
        String files = eightFiles(directory);
        int byDefault = spark.read().parquet(files).javaRDD().getNumPartitions();
        assertTrue(byDefault <= 3, "default: splits of half the bytes, " + byDefault);

        Dataset<Row> cached;
        try (var split = SparkSessions.splitFileScans(spark)) {
            assertEquals("8", spark.conf().get(SparkSessions.MIN_FILE_PARTITIONS));
            cached = spark.read().parquet(files).persist();
            assertEquals(8_000, cached.count());
        }
        assertFalse(spark.conf().getOption(SparkSessions.MIN_FILE_PARTITIONS).isDefined(), "the setting ends with the scope");
        int inScope = cached.javaRDD().getNumPartitions();
        // at least one per file; a file a little above an eighth of the bytes is cut in two
        assertTrue(inScope >= 8 && inScope <= 16, "the cached rows keep the scope's splits: " + inScope);
        cached.unpersist();
        assertEquals(byDefault, spark.read().parquet(files).javaRDD().getNumPartitions(), "a scan after the scope: the default again");
    }

    @Test
    void aValueTheConfigurationSetsIsLeftAlone(@TempDir Path directory) {
        String files = eightFiles(directory);
        spark.conf().set(SparkSessions.MIN_FILE_PARTITIONS, "1");
        try (var split = SparkSessions.splitFileScans(spark)) {
            assertEquals(1, spark.read().parquet(files).javaRDD().getNumPartitions());
        }
        assertTrue(spark.conf().getOption(SparkSessions.MIN_FILE_PARTITIONS).isDefined(), "the configured value stays");
    }

    private String eightFiles(Path directory) {
        String path = directory.resolve("lines.parquet").toString();
        spark.range(8_000).selectExpr("id", "cast(id * 7919 % 1000003 as string) as text").repartition(8).write().parquet(path);
        return path;
    }
}
