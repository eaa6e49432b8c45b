package dev.onetoone.operations;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.onetoone.io.JobDescription;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.RunContext;
import io.delta.tables.DeltaTable;

/**
 * A data-subject erasure ({@code forget}): deletes the customers' rows from every table that has a
 * {@code customer_id} column (found in {@link Tables#ALL}, so a new table is covered without a change here), the
 * quarantined raw records that hold an id as a token, and their rows of the offer CSV exports; records one row per
 * customer in {@code erasure_log}; then runs VACUUM with the configured retention, so that the files that held them
 * go now (retention 0) or at a time the result states.
 *
 * <p>What stays: the Delta transaction log keeps, for each file it ever added, min/max column statistics; a removed
 * file's statistics can hold an erased id until the log files older than {@code delta.logRetentionDuration}
 * (default 30 days) are cleaned up at a checkpoint. Source files outside the warehouse are the owner's to erase; a
 * later ingest of such a file loads the customer again.
 */
public final class Erasure {
    public static final String CUSTOMER_COLUMN = "customer_id";
    /** Key of the offer exports in {@code rows_deleted}. */
    public static final String EXPORTS = "exports/offers";
    /** Tables that hold no per-customer rows, and why. Every other table must have a customer_id column. */
    public static final Map<String, String> WITHOUT_CUSTOMER_ROWS = Map.ofEntries(
            Map.entry("products", "product master data"),
            Map.entry("run_log", "counts per stage and run"),
            Map.entry("population_model", "population parameters per date"),
            Map.entry("model_evaluation", "measures per segment"),
            Map.entry("affinity_evaluation", "measures per segment"),
            Map.entry("budget_shadow_prices", "one price per budget and date"),
            Map.entry("offer_results", "sums per campaign and period"),
            Map.entry("policy_evaluation", "estimates per policy and period"),
            Map.entry("response_model", "fitted coefficients and validation figures per campaign and date"),
            Map.entry("erasure_log", "a SHA-256 of each erased id, never the id"),
            Map.entry("affinity_ranker", "the ranker's models and validation figures per training"),
            Map.entry("loyalty_metrics", "sums per day"));
    private static final Logger LOG = LoggerFactory.getLogger(Erasure.class);
    /** An id counts as found in a raw record when no letter, digit or underscore touches it on either side. */
    private static final String TOKEN_EDGE_BEFORE = "(?<![\\p{L}\\p{N}_])";
    private static final String TOKEN_EDGE_AFTER = "(?![\\p{L}\\p{N}_])";

    /** What one erasure did. */
    public record Result(int customers, Map<String, Long> rowsDeleted, double retentionHours, Instant erasedAt, Instant oldFilesRemovedBy) {
    }

    private final RunContext context;

    public Erasure(RunContext context) {
        this.context = context;
    }

    /** Key of the count of points_ledger entries whose source_id named an erased customer (replaced, not deleted). */
    public static final String SOURCE_REFERENCES = "points_ledger_source_id";
    /** What replaces an erased customer's id in another customer's points_ledger.source_id. */
    public static final String ERASED_REFERENCE = "erased";

    /** The tables that hold rows per customer. */
    public static List<TableSpec> customerTables() {
        return Tables.ALL.stream().filter(table -> !customerColumns(table).isEmpty()).toList();
    }

    /**
     * Columns of a table that hold a customer id: customer_id, and the two sides of a referral (a referral names two
     * customers, and erasing either removes the row).
     */
    static List<String> customerColumns(TableSpec table) {
        List<String> names = Arrays.asList(table.schema().fieldNames());
        return CUSTOMER_ID_COLUMNS.stream().filter(names::contains).toList();
    }

    private static final List<String> CUSTOMER_ID_COLUMNS = List.of(CUSTOMER_COLUMN, "referrer_id", "referred_id");

    private static String matchesAnErasedId(TableSpec table, String target, String erased) {
        return customerColumns(table).stream().map(column -> target + "." + column + " = " + erased + ".erased_id")
                .collect(java.util.stream.Collectors.joining(" or ", "(", ")"));
    }

    public Result forget(Set<String> customerIds) {
        if (customerIds.isEmpty() || customerIds.stream().anyMatch(id -> id == null || id.isBlank())) {
            throw new IllegalArgumentException("forget needs at least one customer id, and no blank id");
        }
        Warehouse warehouse = context.warehouse();
        SparkSession spark = warehouse.spark();
        Instant erasedAt = context.now();
        List<Row> idRows = customerIds.stream()
                .map(id -> RowFactory.create(id, TOKEN_EDGE_BEFORE + Pattern.quote(id) + TOKEN_EDGE_AFTER)).toList();
        Dataset<Row> ids = spark.createDataFrame(idRows, new StructType()
                .add("erased_id", DataTypes.StringType, false).add("id_pattern", DataTypes.StringType, false)).cache();

        Map<String, Map<String, Long>> perCustomer = new TreeMap<>();
        customerIds.forEach(id -> perCustomer.put(id, new TreeMap<>()));
        Map<String, Long> totals = new LinkedHashMap<>();
        List<TableSpec> touched = new ArrayList<>();
        for (TableSpec table : customerTables()) {
            if (!warehouse.exists(table)) {
                continue;
            }
            JobDescription.set(spark, "forget", "" + table.name());
            Dataset<Row> matched = warehouse.read(table).as("target").join(broadcast(ids).as("erased"),
                    expr(matchesAnErasedId(table, "target", "erased")));
            long rows = count(matched, table.name(), perCustomer);
            totals.put(table.name(), rows);
            if (rows > 0) {
                DeltaTable.forPath(spark, warehouse.path(table)).as("target")
                        .merge(ids.select("erased_id").as("erased"), matchesAnErasedId(table, "target", "erased"))
                        .whenMatched().delete().execute();
                touched.add(table);
            }
        }
        if (warehouse.exists(Tables.POINTS_LEDGER)) {
            // A referral bonus is the referrer's entry, kept with their points, but its source_id names the referred
            // customer: that reference is replaced, the entry stays.
            JobDescription.set(spark, "forget", "points_ledger references to erased customers");
            Dataset<Row> matched = warehouse.read(Tables.POINTS_LEDGER).join(broadcast(ids), col("source_id").equalTo(col("erased_id")));
            long rows = count(matched, SOURCE_REFERENCES, perCustomer);
            totals.put(SOURCE_REFERENCES, rows);
            if (rows > 0) {
                DeltaTable.forPath(spark, warehouse.path(Tables.POINTS_LEDGER)).as("target")
                        .merge(ids.select("erased_id").as("erased"), "target.source_id = erased.erased_id")
                        .whenMatched().updateExpr(Map.of("source_id", "'" + ERASED_REFERENCE + "'")).execute();
                if (!touched.contains(Tables.POINTS_LEDGER)) {
                    touched.add(Tables.POINTS_LEDGER);
                }
            }
        }
        if (warehouse.exists(Tables.QUARANTINE)) {
            JobDescription.set(spark, "forget", "quarantine raw records");
            Dataset<Row> matched = warehouse.read(Tables.QUARANTINE).join(broadcast(ids), expr("raw_record rlike id_pattern"));
            long rows = count(matched, Tables.QUARANTINE.name(), perCustomer);
            totals.put(Tables.QUARANTINE.name(), rows);
            if (rows > 0) {
                DeltaTable.forPath(spark, warehouse.path(Tables.QUARANTINE)).as("target")
                        .merge(matched.select("record_id").distinct().as("erased"), "target.record_id = erased.record_id")
                        .whenMatched().delete().execute();
                touched.add(Tables.QUARANTINE);
            }
        }
        totals.put(EXPORTS, eraseFromExports(ids, perCustomer));

        double retention = context.config().operations().vacuumRetentionHours();
        for (TableSpec table : touched) {
            purgeDeletionVectors(table);
            Maintenance.vacuum(warehouse, table, retention);
        }
        Instant removedBy = retention == 0 ? erasedAt : erasedAt.plus(Duration.ofMinutes(Math.round(retention * 60)));
        audit(perCustomer, erasedAt, retention, removedBy);
        ids.unpersist();
        JobDescription.clear(spark);
        LOG.info("forgot {} customers: {}", customerIds.size(), totals);
        return new Result(customerIds.size(), totals, retention, erasedAt, removedBy);
    }

    /** Counts the matched rows per erased id (one small row per id to the driver) and in all. */
    private static long count(Dataset<Row> matched, String key, Map<String, Map<String, Long>> perCustomer) {
        long total = 0;
        for (Row row : matched.groupBy("erased_id").count().collectAsList()) {
            perCustomer.computeIfAbsent(row.getString(0), id -> new TreeMap<>()).put(key, row.getLong(1));
            total += row.getLong(1);
        }
        perCustomer.values().forEach(counts -> counts.putIfAbsent(key, 0L));
        return total;
    }

    /**
     * Rewrites each as-of directory of the offer exports that holds an erased customer: the kept rows are written
     * next to it, then the old directory is removed and the new one moved into its place.
     */
    private long eraseFromExports(Dataset<Row> ids, Map<String, Map<String, Long>> perCustomer) {
        Warehouse warehouse = context.warehouse();
        SparkSession spark = warehouse.spark();
        var exports = new Path(warehouse.root() + "/exports/offers");
        long total = 0;
        try {
            FileSystem fileSystem = exports.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fileSystem.exists(exports)) {
                perCustomer.values().forEach(counts -> counts.put(EXPORTS, 0L));
                return 0;
            }
            Map<String, Map<String, Long>> found = new TreeMap<>();
            for (FileStatus day : fileSystem.listStatus(exports)) {
                if (!day.isDirectory() || !day.getPath().getName().startsWith("as_of=")) {
                    continue;
                }
                JobDescription.set(spark, "forget", "offer exports " + day.getPath().getName());
                Dataset<Row> rows = spark.read().option("header", "true").csv(day.getPath().toString());
                if (!Arrays.asList(rows.columns()).contains(CUSTOMER_COLUMN)) {
                    continue;
                }
                Dataset<Row> matched = rows.join(broadcast(ids), col(CUSTOMER_COLUMN).equalTo(col("erased_id")));
                found.clear();
                long removed = count(matched, EXPORTS, found);
                if (removed == 0) {
                    continue;
                }
                total += removed;
                found.forEach((id, counts) -> perCustomer.get(id).merge(EXPORTS, counts.getOrDefault(EXPORTS, 0L), Long::sum));
                var rewritten = new Path(exports, "." + day.getPath().getName() + ".rewrite-" + UUID.randomUUID());
                rows.join(broadcast(ids.select("erased_id")), col(CUSTOMER_COLUMN).equalTo(col("erased_id")), "left_anti")
                        .write().option("header", "true").partitionBy("channel").csv(rewritten.toString());
                if (!fileSystem.delete(day.getPath(), true) || !fileSystem.rename(rewritten, day.getPath())) {
                    throw new IOException("cannot replace " + day.getPath() + " by " + rewritten);
                }
            }
            perCustomer.values().forEach(counts -> counts.putIfAbsent(EXPORTS, 0L));
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the offer exports under " + exports, e);
        }
    }

    /**
     * With deletion vectors a DELETE only marks rows; the files still hold them. REORG ... APPLY (PURGE) rewrites
     * those files so that VACUUM can remove the old ones.
     */
    private void purgeDeletionVectors(TableSpec table) {
        Warehouse warehouse = context.warehouse();
        Map<String, String> properties = scala.jdk.javaapi.CollectionConverters.asJava(
                DeltaTable.forPath(warehouse.spark(), warehouse.path(table)).detail().first().<scala.collection.Map<String, String>>getAs("properties"));
        if ("true".equalsIgnoreCase(properties.get("delta.enableDeletionVectors"))) {
            warehouse.spark().sql("REORG TABLE " + warehouse.sqlName(table) + " APPLY (PURGE)");
        }
    }

    private void audit(Map<String, Map<String, Long>> perCustomer, Instant erasedAt, double retention, Instant removedBy) {
        List<Row> rows = new ArrayList<>();
        perCustomer.forEach((id, counts) -> rows.add(RowFactory.create(context.runId(), sha256(id), Timestamp.from(erasedAt),
                counts, retention, Timestamp.from(removedBy))));
        var warehouse = context.warehouse();
        warehouse.append(Tables.ERASURE_LOG, warehouse.spark().createDataFrame(rows, Tables.ERASURE_LOG.schema()));
    }

    /** Lower-case hex SHA-256 of the id's UTF-8 bytes. */
    public static String sha256(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
