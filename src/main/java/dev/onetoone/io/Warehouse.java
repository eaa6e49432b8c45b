package dev.onetoone.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.delta.tables.DeltaTable;

/**
 * Reads and writes the Delta tables under one warehouse root. The only class that turns a {@link TableSpec} into a
 * path. Every write first conforms the Dataset to the table's declared schema, so column order, types and comments
 * are the same whichever stage produced the rows.
 */
public final class Warehouse {
    private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);

    private final SparkSession spark;
    private final String root;

    public Warehouse(SparkSession spark, String root) {
        this.spark = spark;
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    public String root() {
        return root;
    }

    public SparkSession spark() {
        return spark;
    }

    public String path(TableSpec table) {
        return root + "/" + table.name();
    }

    /**
     * The table as Spark SQL names it by path, {@code delta.`<qualified path>`}. Delta accepts only an absolute path
     * there, so a relative warehouse (the default {@code ./warehouse}) is qualified first.
     */
    public String sqlName(TableSpec table) {
        return "delta.`" + qualified(path(table)) + "`";
    }

    /** The location with its file system's scheme and, for a relative local path, the working directory. */
    public String qualified(String location) {
        var path = new org.apache.hadoop.fs.Path(location);
        try {
            return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(path).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot resolve the file system of " + location, e);
        }
    }

    public boolean exists(TableSpec table) {
        return DeltaTable.isDeltaTable(spark, path(table));
    }

    /** The table's rows, or an empty Dataset with the table's schema if it has not been written yet. */
    public Dataset<Row> read(TableSpec table) {
        if (!exists(table)) {
            return spark.createDataFrame(List.of(), table.schema());
        }
        return spark.read().format("delta").load(path(table));
    }

    /**
     * Adds to a stored table the columns its spec declares but the table lacks, with their comments (Delta ALTER TABLE
     * ADD COLUMNS: metadata only, existing rows read null), so a table written before a column was declared can take
     * rows that carry it. Does nothing when the table does not exist yet.
     */
    public void addMissingColumns(TableSpec table) {
        if (!exists(table)) {
            return;
        }
        var stored = Arrays.asList(read(table).columns());
        for (StructField field : table.schema().fields()) {
            if (!stored.contains(field.name())) {
                String comment = field.getComment().isDefined() ? field.getComment().get() : "";
                spark.sql("ALTER TABLE " + sqlName(table) + " ADD COLUMNS (" + field.name() + " " + field.dataType().sql()
                        + " COMMENT '" + comment.replace("\\", "\\\\").replace("'", "\\'") + "')");
                LOG.info("added column {} to {}", field.name(), table.name());
            }
        }
    }

    /** Rows of a dated table for one as-of date. */
    public Dataset<Row> readAsOf(TableSpec table, LocalDate asOf) {
        requireDated(table);
        return read(table).where(col("as_of").equalTo(java.sql.Date.valueOf(asOf)));
    }

    /**
     * Selects the table's columns in order, cast to the declared types and carrying the column comments. Fails
     * naming the missing column if the Dataset lacks one (a programming error in a stage).
     */
    public static Dataset<Row> conform(TableSpec table, Dataset<Row> rows) {
        var available = Arrays.asList(rows.columns());
        List<Column> columns = new ArrayList<>();
        for (StructField field : table.schema().fields()) {
            if (!available.contains(field.name())) {
                throw new IllegalArgumentException("rows for table " + table.name() + " lack column " + field.name()
                        + "; they have " + available);
            }
            columns.add(col(field.name()).cast(field.dataType()).as(field.name(), field.metadata()));
        }
        return rows.select(columns.toArray(Column[]::new));
    }

    /**
     * The rows with every column of the table's definition: a column the stored table does not have yet (it was last
     * written by an earlier version, before the column existed) is added as a typed null, as Delta reads the rows of
     * older files once a write has added the column.
     */
    public static Dataset<Row> withMissingColumns(TableSpec table, Dataset<Row> rows) {
        var available = Arrays.asList(rows.columns());
        return withNullColumns(table, rows, Arrays.stream(table.schema().fieldNames()).filter(name -> !available.contains(name)).toList());
    }

    /** The rows with the named columns of the table added, in that order, as nulls of their declared types. */
    public static Dataset<Row> withNullColumns(TableSpec table, Dataset<Row> rows, List<String> names) {
        for (String name : names) {
            rows = rows.withColumn(name, lit(null).cast(table.schema().apply(name).dataType()));
        }
        return rows;
    }

    /** Replaces the rows of one as-of date, leaving other dates untouched; a rerun for the same date is idempotent. */
    public void overwriteAsOf(TableSpec table, Dataset<Row> rows, LocalDate asOf) {
        requireDated(table);
        conform(table, rows).write().format("delta")
                .mode("overwrite")
                .option("replaceWhere", "as_of = DATE'" + asOf + "'")
                .option("mergeSchema", "true")
                .partitionBy(table.partitionColumns().toArray(String[]::new))
                .save(path(table));
        LOG.info("wrote {} for as_of {}", table.name(), asOf);
    }

    /** Replaces the whole table (for tables that hold only the latest state). */
    public void overwrite(TableSpec table, Dataset<Row> rows) {
        var writer = conform(table, rows).write().format("delta").mode("overwrite").option("overwriteSchema", "true");
        if (!table.partitionColumns().isEmpty()) {
            writer = writer.partitionBy(table.partitionColumns().toArray(String[]::new));
        }
        writer.save(path(table));
    }

    /**
     * Replaces the rows matching a SQL condition on the table's columns (Delta replaceWhere), leaving the others;
     * for tables keyed by something other than as_of, e.g. offer_results by its measured period.
     */
    public void overwriteWhere(TableSpec table, Dataset<Row> rows, String condition) {
        if (!exists(table)) {
            append(table, rows);
            return;
        }
        conform(table, rows).write().format("delta").mode("overwrite").option("replaceWhere", condition).option("mergeSchema", "true")
                .save(path(table));
        LOG.info("replaced rows of {} where {}", table.name(), condition);
    }

    public void append(TableSpec table, Dataset<Row> rows) {
        var writer = conform(table, rows).write().format("delta").mode("append").option("mergeSchema", "true");
        if (!table.partitionColumns().isEmpty()) {
            writer = writer.partitionBy(table.partitionColumns().toArray(String[]::new));
        }
        writer.save(path(table));
    }

    /**
     * Inserts the rows whose key is not in the table yet (Delta MERGE, insert only): loading the same rows twice
     * stores them once. The source must not repeat a key. Returns the number of rows inserted.
     */
    public long insertNew(TableSpec table, Dataset<Row> rows) {
        return merge(table, rows, false);
    }

    /**
     * Inserts new keys and replaces the rows of existing keys (master data, state). Returns rows inserted plus
     * updated. The table gets deletion vectors ({@link #DELETION_VECTORS}), so an update writes only the changed rows.
     */
    public long upsert(TableSpec table, Dataset<Row> rows) {
        return merge(table, rows, true);
    }

    /**
     * Inserts the rows whose key is not in the table yet, like {@link #insertNew}, comparing them only with the stored
     * rows of the given dates: the MERGE condition carries {@code target.<dateColumn> IN (dates)}, so Delta skips
     * every file whose date range (from its column statistics) holds none of them, and a night's MERGE reads the
     * files of the days its rows carry instead of the whole history. The dates must be all the dates of the rows,
     * and a key must determine its date (true of the transaction line key, which hashes the line's timestamp).
     *
     * <p>A table created here is written ordered by the date column, range-partitioned into files of about
     * {@link #CLUSTERED_FILE_ROWS} rows each, so that each file covers a short run of days. The table is set to
     * compact small files after writes (Delta auto compaction), so nightly appends do not pile up small files.
     */
    public long insertNewOnDates(TableSpec table, Dataset<Row> rows, String dateColumn, List<LocalDate> dates) {
        if (dates.isEmpty()) {
            return 0;
        }
        var conformed = conform(table, rows);
        if (!exists(table)) {
            long count = conformed.count();
            int files = (int) Math.max(1, Math.min(10_000, (count + CLUSTERED_FILE_ROWS - 1) / CLUSTERED_FILE_ROWS));
            append(table, conformed.repartitionByRange(files, col(dateColumn)).sortWithinPartitions(dateColumn));
            enableAutoCompaction(table);
            return spark.read().format("delta").load(path(table)).count();
        }
        enableAutoCompaction(table);
        String restriction = "target." + dateColumn + " IN ("
                + dates.stream().map(date -> "DATE'" + date + "'").collect(Collectors.joining(", ")) + ")";
        return merge(table, conformed, false, restriction);
    }

    /** Rows per file of a table first written by {@link #insertNewOnDates}: files of some tens of megabytes. */
    static final long CLUSTERED_FILE_ROWS = 1_000_000;

    private void enableAutoCompaction(TableSpec table) {
        enable(table, AUTO_COMPACT, "auto compaction");
    }

    /** Sets a boolean table property to true, once: a table that has it gets no new commit. */
    private void enable(TableSpec table, String property, String what) {
        var properties = DeltaTable.forPath(spark, path(table)).detail().select("properties").first().getJavaMap(0);
        if (!"true".equals(properties.get(property))) {
            spark.sql("ALTER TABLE " + sqlName(table) + " SET TBLPROPERTIES ('" + property + "' = 'true')");
            LOG.info("enabled {} of {}", what, table.name());
        }
    }

    private static final String AUTO_COMPACT = "delta.autoOptimize.autoCompact";
    /**
     * Deletion vectors: a MERGE that updates rows marks the old ones in a small side file and writes only the changed
     * rows, instead of rewriting every file that holds one. Without them a night that changes a few hundred
     * customers' state rewrote the whole table (at 100,000 customers: 776 rows updated, 99,095 copied).
     */
    static final String DELETION_VECTORS = "delta.enableDeletionVectors";

    private long merge(TableSpec table, Dataset<Row> rows, boolean updateMatched) {
        return merge(table, rows, updateMatched, null);
    }

    private long merge(TableSpec table, Dataset<Row> rows, boolean updateMatched, String targetRestriction) {
        var conformed = conform(table, rows);
        if (!exists(table)) {
            append(table, conformed);
            return spark.read().format("delta").load(path(table)).count();
        }
        if (updateMatched) {
            enable(table, DELETION_VECTORS, "deletion vectors");
        }
        String condition = targetRestriction == null ? keyCondition(table) : keyCondition(table) + " AND " + targetRestriction;
        var builder = DeltaTable.forPath(spark, path(table)).as("target").merge(conformed.as("source"), condition);
        if (updateMatched) {
            builder = builder.whenMatched().updateAll();
        }
        Row metrics = builder.whenNotMatched().insertAll().execute().first();
        long changed = metrics.getLong(metrics.fieldIndex("num_inserted_rows"));
        return updateMatched ? changed + metrics.getLong(metrics.fieldIndex("num_updated_rows")) : changed;
    }

    private static String keyCondition(TableSpec table) {
        if (table.keyColumns().isEmpty()) {
            throw new IllegalStateException("table " + table.name() + " has no key for MERGE");
        }
        return table.keyColumns().stream()
                .map(key -> "target." + key + " = source." + key)
                .collect(Collectors.joining(" AND "));
    }

    private static void requireDated(TableSpec table) {
        if (!table.isDated()) {
            throw new IllegalArgumentException("table " + table.name() + " is not partitioned by as_of");
        }
    }
}
