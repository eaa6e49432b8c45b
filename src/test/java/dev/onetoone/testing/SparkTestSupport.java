package dev.onetoone.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.onetoone.config.ConfigLoader;
import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.io.SparkSessions;

/**
 * One local SparkSession for the whole test JVM (local[2], two shuffle partitions, no UI), created on first use.
 * Tests extend this class or call {@link #spark()}.
 */
public abstract class SparkTestSupport {
    private static SparkSession session;

    public static synchronized SparkSession spark() {
        if (session == null) {
            OneToOneConfig config = testConfig();
            System.setProperty("spark.master", "local[2]");
            // A command run in process builds its session from a new SparkConf, which reads spark.* system properties,
            // and getOrCreate applies the builder's SQL settings to this shared session: without these, the first
            // in-process command would raise the shuffle partitions to the local default of 8 for every later test.
            TEST_SETTINGS.forEach(System::setProperty);
            session = SparkSessions.getOrCreate(config, "onetoone-tests");
            session.conf().set("spark.sql.shuffle.partitions", "2");
        }
        return session;
    }

    private static final Map<String, String> TEST_SETTINGS = Map.of(
            "spark.sql.shuffle.partitions", "2",
            "spark.ui.enabled", "false",
            "spark.driver.host", "127.0.0.1",
            "spark.databricks.delta.snapshotPartitions", "1",
            "spark.sql.sources.parallelPartitionDiscovery.parallelism", "2",
            "spark.sql.adaptive.coalescePartitions.initialPartitionNum", "2");

    /** The default configuration with test-friendly Spark settings. */
    protected static OneToOneConfig testConfig() {
        return new ConfigLoader().withOverrides(TEST_SETTINGS).load();
    }

    /** A Dataset of string columns from inline rows; null cells stay null. */
    protected static Dataset<Row> strings(List<String> columns, List<List<String>> rows) {
        StructType schema = new StructType(columns.stream()
                .map(name -> DataTypes.createStructField(name, DataTypes.StringType, true))
                .toArray(StructField[]::new));
        List<Row> data = rows.stream().map(values -> RowFactory.create(values.toArray())).toList();
        return spark().createDataFrame(data, schema);
    }

    protected static List<String> columns(String... names) {
        return Arrays.asList(names);
    }

    protected static Path writeFile(Path directory, String name, String content) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
