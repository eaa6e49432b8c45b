package dev.onetoone.io;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import dev.onetoone.config.OneToOneConfig;

/**
 * Builds the Spark session with Delta enabled. Under spark-submit the master and resources come from the
 * submission; when no master is set (tests, IDE) the session runs locally on every core. Settings that only make
 * sense on one machine (no UI, small Delta snapshot parallelism) apply to local masters unless the configuration
 * sets them.
 *
 * <p><b>Sizing.</b> Adaptive query execution is on with partition coalescing: a shuffle starts with
 * {@code spark.sql.shuffle.partitions} partitions and Spark merges the small ones after the map side has run, so a
 * one-day night's few thousand rows end up in one or two tasks instead of the configured number. Locally the starting
 * number is four per core (eight on two cores); a stage that reads a whole table (a rebuild) raises it to one per
 * {@value #INPUT_BYTES_PER_PARTITION} bytes of stored input with {@link #sizeShuffles}. Either is skipped when the
 * submission or the configuration sets {@code spark.sql.shuffle.partitions} itself.
 */
public final class SparkSessions {
    /** Compressed input bytes (Parquet in Delta) per shuffle partition: about 128 MB of shuffled rows. */
    public static final long INPUT_BYTES_PER_PARTITION = 32L << 20;
    /** Session setting that records that the user chose the shuffle partitions, so sizing leaves them alone. */
    static final String PARTITIONS_CHOSEN = "spark.onetoone.shufflePartitionsChosen";
    private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
    static final String MIN_FILE_PARTITIONS = "spark.sql.files.minPartitionNum";
    /** File scan tasks per core for a read whose rows are costly to process ({@link #splitFileScans}). */
    static final int SCAN_TASKS_PER_CORE = 4;
    private static final int MAX_PARTITIONS = 4096;
    static final String AUTO_COMPACT_MIN_FILE_SIZE = "spark.databricks.delta.autoCompact.minFileSize";
    /** Files below this size are compacted together after a write to an auto-compacted table. */
    private static final long AUTO_COMPACT_SMALL_FILE_BYTES = 8L << 20;

    private SparkSessions() {
    }

    public static SparkSession getOrCreate(OneToOneConfig config, String appName) {
        var conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        conf.setIfMissing("spark.app.name", appName);
        conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
        conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        conf.set("spark.sql.session.timeZone", config.timeZone().getId());
        boolean chosen = conf.contains(SHUFFLE_PARTITIONS) || config.sparkSettings().containsKey(SHUFFLE_PARTITIONS);
        conf.set(PARTITIONS_CHOSEN, Boolean.toString(chosen));
        boolean local = conf.get("spark.master").startsWith("local");
        conf.setIfMissing("spark.sql.adaptive.enabled", "true");
        conf.setIfMissing("spark.sql.adaptive.coalescePartitions.enabled", "true");
        if (local) {
            int cores = Runtime.getRuntime().availableProcessors();
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing(SHUFFLE_PARTITIONS, Integer.toString(4 * cores));
            // One machine: a Delta snapshot's few log files need no more than two tasks to reconstruct.
            conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "2");
            // VACUUM lists a table's directories with this many tasks (Spark's default, 10,000, is sized for a large
            // cluster); on one machine each empty task costs scheduling time, about 30 s per table in all.
            conf.setIfMissing("spark.sql.sources.parallelPartitionDiscovery.parallelism", Integer.toString(Math.max(2, cores)));
            // Spark's in-memory catalog makes a directory for its default database when first used; it holds no
            // data of ours (tables are external, registered with LOCATION), so it goes to the temporary directory
            // rather than into the warehouse or the working directory.
            conf.setIfMissing("spark.sql.warehouse.dir", sessionCatalogDirectory());
        }
        conf.setIfMissing("spark.databricks.delta.schema.autoMerge.enabled", "false");
        // Auto compaction (on for transactions, Warehouse#insertNewOnDates) rewrites the files below this size. Delta's
        // default, 64 MB, makes the history's date-clustered files (about 33 MB per million lines) small too, so a
        // one-day night rewrote the whole history into one file that spans every date. Below 8 MB only the nights'
        // files and what compaction made of them count, so a night rewrites at most that much.
        conf.setIfMissing(AUTO_COMPACT_MIN_FILE_SIZE, Long.toString(AUTO_COMPACT_SMALL_FILE_BYTES));
        config.sparkSettings().forEach(conf::set);
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        // A session shared with a caller (tests) keeps its own settings except the time zone, which every stage relies on.
        session.conf().set("spark.sql.session.timeZone", config.timeZone().getId());
        return session;
    }

    /** Directory of the local session catalog's default database: under java.io.tmpdir, one per user. */
    public static String sessionCatalogDirectory() {
        return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "onetoone-spark-catalog-" + System.getProperty("user.name"))
                .toUri().toString();
    }

    /**
     * Shuffle partitions for a stage that reads {@code inputBytes} of stored input: one per
     * {@value #INPUT_BYTES_PER_PARTITION} bytes, at least two per core, at most {@value #MAX_PARTITIONS}.
     */
    public static int shufflePartitionsFor(long inputBytes, int cores) {
        long byInput = (Math.max(inputBytes, 0) + INPUT_BYTES_PER_PARTITION - 1) / INPUT_BYTES_PER_PARTITION;
        return (int) Math.min(MAX_PARTITIONS, Math.max(2L * Math.max(cores, 1), byInput));
    }

    /** A session setting in force until closed. */
    public interface ScopedSetting extends AutoCloseable {
        @Override
        void close();
    }

    /** Sets {@code key} to {@code value} until the returned setting is closed, which puts back the value before it. */
    public static ScopedSetting setUntilClosed(SparkSession spark, String key, String value) {
        scala.Option<String> before = spark.conf().getOption(key);
        spark.conf().set(key, value);
        return () -> {
            if (before.isDefined()) {
                spark.conf().set(key, before.get());
            } else {
                spark.conf().unset(key);
            }
        };
    }

    /**
     * Splits the file scans planned until the returned setting is closed into at least {@value #SCAN_TASKS_PER_CORE}
     * tasks per core, files permitting, unless the configuration sets {@code spark.sql.files.minPartitionNum}. For a
     * read whose every row is costly (ingest validates each line against some 25 rules): Spark's default, one split
     * per core of up to 128 MB each, read the 270 MB of Parquet of 1,000,000 customers as 3 tasks on 2 cores, and
     * every job over the cached rows had 3 tasks too. Not a session default: it would also split a small table of many
     * files into many tiny tasks. A cached Dataset's plan is fixed when it is persisted, so persist inside the scope.
     */
    public static ScopedSetting splitFileScans(SparkSession spark) {
        if (spark.conf().getOption(MIN_FILE_PARTITIONS).isDefined()) {
            return () -> { };
        }
        return setUntilClosed(spark, MIN_FILE_PARTITIONS, Integer.toString(SCAN_TASKS_PER_CORE * spark.sparkContext().defaultParallelism()));
    }

    static final String CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";

    /**
     * Caches the Datasets persisted until the returned setting is closed without compressing their columns, unless
     * the submission or the configuration sets {@code spark.sql.inMemoryColumnarStorage.compressed} (the session
     * always reports a value: Spark's default, true). For a cache that is built once and read a few times, as
     * ingest's validated lines are: in a profile of ingest on 2.15M lines, gathering every column's compression
     * statistics was 15% of the task time. With this scope ingest_transactions took 485 s against 556 s at 1,000,000
     * customers (21.5M lines, 12 GB, nothing spilled; docs/BENCHMARKS.md). Not a session default: a cache kept and
     * read many times gains from compression.
     */
    public static ScopedSetting uncompressedCache(SparkSession spark) {
        if (spark.sparkContext().getConf().contains(CACHE_COMPRESSED)) {
            return () -> { };
        }
        return setUntilClosed(spark, CACHE_COMPRESSED, "false");
    }

    /** The shuffle partitions in force for a stage until closed ({@link #sizeShuffles}). */
    public record SizedShuffles(int partitions, ScopedSetting setting) implements ScopedSetting {
        @Override
        public void close() {
            setting.close();
        }
    }

    /**
     * Sets the session's shuffle partitions for a stage that reads {@code inputBytes}, unless the user chose them,
     * until the returned setting is closed. It tells the number in effect.
     */
    public static SizedShuffles sizeShuffles(SparkSession spark, long inputBytes) {
        ScopedSetting setting = () -> { };
        if (!Boolean.parseBoolean(spark.conf().get(PARTITIONS_CHOSEN, "false"))) {
            int partitions = shufflePartitionsFor(inputBytes, spark.sparkContext().defaultParallelism());
            setting = setUntilClosed(spark, SHUFFLE_PARTITIONS, Integer.toString(partitions));
        }
        return new SizedShuffles(Integer.parseInt(spark.conf().get(SHUFFLE_PARTITIONS)), setting);
    }
}
