package dev.onetoone.operations;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.onetoone.config.OneToOneConfig.OperationsConfig;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import io.delta.tables.DeltaTable;

/**
 * The {@code maintain} command: blanks quarantined raw records past their retention, then for every table
 * compacts small files (Delta OPTIMIZE) and removes the files no version within the retention needs (VACUUM). It
 * must run while no job writes; the run lock sees to that.
 */
public final class Maintenance {
    /** What replaces a quarantined raw record once it is older than the retention. */
    public static final String EXPIRED_RAW_RECORD = "(removed after the retention of raw records)";
    /** Delta refuses a shorter VACUUM retention unless its safety check is turned off for the call. */
    static final double DELTA_DEFAULT_RETENTION_HOURS = 168;
    private static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    /** What maintenance did to one table. */
    public record TableResult(String table, long filesCompacted, long filesAdded, long dataFilesBefore, long dataFilesAfter) {
    }

    /** What maintenance did. */
    public record Result(long quarantineRecordsBlanked, double retentionHours, List<TableResult> tables) {
    }

    private final Warehouse warehouse;
    private final OperationsConfig settings;
    private final Clock clock;

    public Maintenance(Warehouse warehouse, OperationsConfig settings, Clock clock) {
        this.warehouse = warehouse;
        this.settings = settings;
        this.clock = clock;
    }

    public Result run() {
        long blanked = blankExpiredRawRecords();
        List<TableResult> tables = new ArrayList<>();
        for (TableSpec table : Tables.ALL) {
            if (!warehouse.exists(table)) {
                continue;
            }
            long before = dataFiles(warehouse, table);
            JobDescription.set(warehouse.spark(), "maintain", "optimize " + table.name());
            Row metrics = DeltaTable.forPath(warehouse.spark(), warehouse.path(table)).optimize().executeCompaction()
                    .selectExpr("metrics.numFilesRemoved", "metrics.numFilesAdded").first();
            vacuum(warehouse, table, settings.vacuumRetentionHours());
            tables.add(new TableResult(table.name(), metrics.getLong(0), metrics.getLong(1), before, dataFiles(warehouse, table)));
        }
        JobDescription.clear(warehouse.spark());
        return new Result(blanked, settings.vacuumRetentionHours(), tables);
    }

    /** Replaces the raw record of quarantined rows older than the retention; the row, its reasons and counts stay. */
    public long blankExpiredRawRecords() {
        if (!warehouse.exists(Tables.QUARANTINE)) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(Duration.ofDays(settings.quarantineRawRetentionDays()));
        var expired = col("quarantined_at").lt(lit(Timestamp.from(cutoff))).and(col("raw_record").notEqual(lit(EXPIRED_RAW_RECORD)));
        JobDescription.set(warehouse.spark(), "maintain", "quarantine raw-record retention");
        long rows = warehouse.read(Tables.QUARANTINE).where(expired).count();
        if (rows > 0) {
            DeltaTable.forPath(warehouse.spark(), warehouse.path(Tables.QUARANTINE)).update(expired, Map.of("raw_record", lit(EXPIRED_RAW_RECORD)));
            LOG.info("blanked {} quarantined raw records older than {}", rows, cutoff);
        }
        return rows;
    }

    /**
     * VACUUM with the given retention. Below Delta's default of 168 hours the check that protects readers of old
     * versions is turned off for this call only: the caller holds the run lock, so no writer needs them.
     */
    static void vacuum(Warehouse warehouse, TableSpec table, double retentionHours) {
        SparkSession spark = warehouse.spark();
        JobDescription.set(spark, "maintain", "vacuum " + table.name());
        boolean belowDefault = retentionHours < DELTA_DEFAULT_RETENTION_HOURS;
        String previous = spark.conf().get(RETENTION_CHECK, "true");
        if (belowDefault) {
            spark.conf().set(RETENTION_CHECK, "false");
        }
        try {
            DeltaTable.forPath(spark, warehouse.path(table)).vacuum(retentionHours);
        } finally {
            if (belowDefault) {
                spark.conf().set(RETENTION_CHECK, previous);
            }
        }
    }

    /** Data files under the table's directory (the transaction log excluded). */
    static long dataFiles(Warehouse warehouse, TableSpec table) {
        return dataFilePaths(warehouse, table).size();
    }

    static List<Path> dataFilePaths(Warehouse warehouse, TableSpec table) {
        var root = new Path(warehouse.path(table));
        try {
            FileSystem fileSystem = root.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
            List<Path> files = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> listing = fileSystem.listFiles(root, true);
            while (listing.hasNext()) {
                Path path = listing.next().getPath();
                if (path.getName().endsWith(".parquet") && !path.toString().contains("/_delta_log/")) {
                    files.add(path);
                }
            }
            return files;
        } catch (java.io.FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }
}
