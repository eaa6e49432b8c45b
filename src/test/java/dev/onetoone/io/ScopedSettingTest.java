package dev.onetoone.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/** Settings in force for a scope: each puts back what the session had before, and a user's choice is left alone. */
class ScopedSettingTest extends SparkTestSupport {
    private static final String KEY = "spark.onetoone.test.scoped";
    private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";

    @AfterEach
    void restore() {
        spark().conf().unset(KEY);
        spark().conf().unset(SparkSessions.PARTITIONS_CHOSEN);
        spark().conf().set(SHUFFLE_PARTITIONS, "2");
    }

    @Test
    void aSettingIsUnsetOrPutBackWhenItsScopeCloses() {
        SparkSession spark = spark();
        try (var scope = SparkSessions.setUntilClosed(spark, KEY, "inner")) {
            assertEquals("inner", spark.conf().get(KEY));
        }
        assertFalse(spark.conf().getOption(KEY).isDefined(), "a key the session did not have is unset again");
        spark.conf().set(KEY, "outer");
        try (var scope = SparkSessions.setUntilClosed(spark, KEY, "inner")) {
            assertEquals("inner", spark.conf().get(KEY));
        }
        assertEquals("outer", spark.conf().get(KEY));
    }

    @Test
    void shufflesSizedByInputAreTheSessionsUntilTheScopeCloses() {
        SparkSession spark = spark();
        int cores = spark.sparkContext().defaultParallelism();
        // 10 partitions' worth of input, more than two per core on the test's local[2]
        try (var shuffles = SparkSessions.sizeShuffles(spark, 10 * SparkSessions.INPUT_BYTES_PER_PARTITION)) {
            assertEquals(Math.max(10, 2 * cores), shuffles.partitions());
            assertEquals(Integer.toString(shuffles.partitions()), spark.conf().get(SHUFFLE_PARTITIONS));
        }
        assertEquals("2", spark.conf().get(SHUFFLE_PARTITIONS));
        spark.conf().set(SparkSessions.PARTITIONS_CHOSEN, "true");
        spark.conf().set(SHUFFLE_PARTITIONS, "3");
        try (var shuffles = SparkSessions.sizeShuffles(spark, 10 * SparkSessions.INPUT_BYTES_PER_PARTITION)) {
            assertEquals(3, shuffles.partitions(), "the user's choice stands");
        }
        assertEquals("3", spark.conf().get(SHUFFLE_PARTITIONS));
    }
}
