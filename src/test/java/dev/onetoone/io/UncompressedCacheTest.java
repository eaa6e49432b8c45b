package dev.onetoone.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.columnar.InMemoryRelation;
import org.apache.spark.storage.RDDInfo;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/**
 * {@link SparkSessions#uncompressedCache}: a Dataset persisted in the scope is cached without compression, one
 * persisted after it with Spark's default (compressed). 20,000 rows of one repeated text compress to a small
 * fraction of their plain size, so the two caches' sizes in memory show which is which.
 */
class UncompressedCacheTest extends SparkTestSupport {
    private final SparkSession spark = spark();

    @Test
    void aCacheBuiltInTheScopeIsPlainAndOneBuiltAfterItIsCompressed() {
        Dataset<Row> plain;
        try (var scope = SparkSessions.uncompressedCache(spark)) {
            assertEquals("false", spark.conf().get(SparkSessions.CACHE_COMPRESSED));
            plain = lines("plain").persist();
            assertEquals(20_000, plain.count());
        }
        assertEquals("true", spark.conf().get(SparkSessions.CACHE_COMPRESSED), "the setting ends with the scope: Spark's default");
        Dataset<Row> compressed = lines("compressed").persist();
        assertEquals(20_000, compressed.count());
        try {
            long plainBytes = memorySize(plain);
            long compressedBytes = memorySize(compressed);
            assertTrue(compressedBytes > 0 && plainBytes > 4 * compressedBytes,
                    "plain " + plainBytes + " bytes against compressed " + compressedBytes);
        } finally {
            plain.unpersist(true);
            compressed.unpersist(true);
        }
    }

    /**
     * Rows of one repeated text, another text for each name: Spark reuses the cache of an equal plan, so without it
     * the second persist would find the first cache instead of building its own.
     */
    private Dataset<Row> lines(String name) {
        return spark.range(20_000).selectExpr("id", "'" + name + " the same text in every row of the cache' as text");
    }

    /** The cache the Dataset reads: an in-memory relation, a leaf of its plan with cached data. */
    private static InMemoryRelation relation(Dataset<Row> cached) {
        LogicalPlan plan = cached.queryExecution().withCachedData();
        return scala.jdk.javaapi.CollectionConverters.asJava(plan.collectLeaves()).stream()
                .filter(InMemoryRelation.class::isInstance).map(InMemoryRelation.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("the Dataset reads no cache:\n" + plan));
    }

    private long memorySize(Dataset<Row> cached) {
        int id = relation(cached).cacheBuilder().cachedColumnBuffers().id();
        for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
            if (info.id() == id) {
                return info.memSize();
            }
        }
        throw new AssertionError("the cache " + id + " is not in the storage information");
    }
}
