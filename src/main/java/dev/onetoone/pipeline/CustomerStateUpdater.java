package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.onetoone.io.JobDescription;
import dev.onetoone.io.SparkSessions;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.model.CustomerStateStep;

/**
 * Brings {@code customer_state} to an as-of date for the rfm and model stages, whichever runs first; the second finds
 * it current and reads it as it is.
 * <ul>
 * <li>Folds the lines dated after the state's last day up to the as-of date into it: the new lines only, and a Delta
 * MERGE of the customers they touch. Customers without new lines keep their row; they age at read time.</li>
 * <li>Rebuilds it from all transactions (an explicit, documented full pass) when asked ({@code --rebuild-state}), on
 * a first run, when the stored table lacks a column of the current schema (written by an older version), when its
 * decay half-life differs from {@code preferences.half-life-days}, or when lines were ingested after the state was
 * written for days it already covers (late lines).</li>
 * <li>For an as-of date before the state's day (a backfill), folds the transactions up to that date in memory and
 * leaves the table alone.</li>
 * </ul>
 */
final class CustomerStateUpdater {
    private static final Logger LOG = LoggerFactory.getLogger(CustomerStateUpdater.class);

    private final RunContext context;
    private final String stage;

    /** @param stage the stage name that labels the Spark jobs and the details, e.g. rfm or model */
    CustomerStateUpdater(RunContext context, String stage) {
        this.context = context;
        this.stage = stage;
    }

    /**
     * customer_state as of a date. {@code stored}: the table itself, which a stage reads again column by column at no
     * more cost than a cache of all its columns (the preference maps are most of a row, and rfm reads none of them).
     * Otherwise a fold of every line computed for a backfill, which {@link #forReuse} persists.
     */
    record State(Dataset<Row> rows, boolean stored) {
        /** The rows to read more than once: persisted unless they are the stored table. Unpersist them after. */
        Dataset<Row> forReuse() {
            return stored ? rows : rows.persist(StorageLevel.MEMORY_AND_DISK());
        }
    }

    /** The state folded through {@code asOf}; records what it did in {@code details}. */
    State stateAsOf(LocalDate asOf, StateUpdate update, Map<String, Long> details) {
        Warehouse warehouse = context.warehouse();
        double halfLife = context.config().model().preferenceHalfLifeDays();
        Dataset<Row> transactions = warehouse.read(Tables.TRANSACTIONS);
        if (update == StateUpdate.REBUILD || !warehouse.exists(Tables.CUSTOMER_STATE)) {
            return new State(rebuild(transactions, asOf, halfLife, details), true);
        }
        Dataset<Row> stored = warehouse.read(Tables.CUSTOMER_STATE);
        if (!hasCurrentSchema(stored)) {
            details.put("state_schema_upgraded", 1L);
            return new State(rebuild(transactions, asOf, halfLife, details), true);
        }
        Row marks = marks(stored);
        if (marks.isNullAt(0)) {
            return new State(rebuild(transactions, asOf, halfLife, details), true);
        }
        if (marks.getDouble(2) != halfLife || marks.getDouble(3) != halfLife) {
            details.put("state_half_life_changed", 1L);
            return new State(rebuild(transactions, asOf, halfLife, details), true);
        }
        LocalDate foldedThrough = marks.getDate(0).toLocalDate();
        Timestamp writtenAt = marks.getTimestamp(1);
        Timestamp now = Timestamp.from(context.now());
        if (asOf.isBefore(foldedThrough)) {
            details.put("state_backfill", 1L);
            describe("fold all lines for a backfill");
            return new State(CustomerStateStep.fold(CustomerStateStep.empty(warehouse.spark()), transactions, null, asOf, halfLife)
                    .withColumn("state_updated_at", lit(now)), false);
        }
        long lateLines = lateLines(transactions, foldedThrough, writtenAt);
        if (lateLines > 0) {
            details.put("late_lines", lateLines);
            return new State(rebuild(transactions, asOf, halfLife, details), true);
        }
        if (asOf.equals(foldedThrough)) {
            details.put("state_current", 1L);
            return new State(stored, true);
        }
        describe("fold the new lines into customer_state");
        // The fold reads its lines about a dozen times (the increment's sums, purchase days, counts and six kinds of
        // preference weights), each with filters of its own, and Delta lists the table's files for every such scan when
        // the query is planned. The night's lines are few: read once and cached, every scan is planned on the cache.
        Dataset<Row> nightLines = transactions.where(CustomerStateStep.foldWindow(foldedThrough, asOf))
                .persist(StorageLevel.MEMORY_AND_DISK());
        long updated;
        try {
            Dataset<Row> changed = CustomerStateStep.foldChanged(stored, nightLines, foldedThrough, asOf, halfLife)
                    .withColumn("state_updated_at", lit(now));
            updated = warehouse.upsert(Tables.CUSTOMER_STATE, changed);
        } finally {
            nightLines.unpersist();
        }
        details.put("state_customers_updated", updated);
        LOG.info("{}: folded {} to {} into customer_state; {} customers changed", stage, foldedThrough.plusDays(1), asOf, updated);
        return new State(warehouse.read(Tables.CUSTOMER_STATE), true);
    }

    /**
     * The stored state if it is folded through {@code asOf} and no line came since it was written for a day it covers;
     * empty otherwise (no state, an older schema, another day, late lines). Reads only: a stage that can do without
     * the state (loyalty) takes it when the night's rfm or model stage has brought it there.
     */
    Optional<Dataset<Row>> storedAsOf(LocalDate asOf) {
        Warehouse warehouse = context.warehouse();
        if (!warehouse.exists(Tables.CUSTOMER_STATE)) {
            return Optional.empty();
        }
        Dataset<Row> stored = warehouse.read(Tables.CUSTOMER_STATE);
        if (!hasCurrentSchema(stored)) {
            return Optional.empty();
        }
        Row marks = marks(stored);
        if (marks.isNullAt(0) || !marks.getDate(0).toLocalDate().equals(asOf)
                || lateLines(warehouse.read(Tables.TRANSACTIONS), asOf, marks.getTimestamp(1)) > 0) {
            return Optional.empty();
        }
        return Optional.of(stored);
    }

    /** Whether the stored table has every column of the current schema (an older version's lacks some). */
    private static boolean hasCurrentSchema(Dataset<Row> stored) {
        return Arrays.asList(stored.columns()).containsAll(Arrays.asList(Tables.CUSTOMER_STATE.schema().fieldNames()));
    }

    /**
     * The stored state's high-water marks, one row: the day it is folded through, when it was written, and the least
     * and greatest decay half-life of its rows (all null when it is empty).
     */
    private Row marks(Dataset<Row> stored) {
        describe("read the state's high-water mark");
        return stored.agg(max("state_as_of"), max("state_updated_at"), min("decay_half_life_days"), max("decay_half_life_days")).first();
    }

    /** Lines dated on or before {@code foldedThrough} and ingested after the state was written. */
    private long lateLines(Dataset<Row> transactions, LocalDate foldedThrough, Timestamp writtenAt) {
        describe("look for late lines");
        // Delta skips every file written before the state by its ingested_at statistics.
        return transactions.where(col("purchase_date").leq(lit(Date.valueOf(foldedThrough))).and(col("ingested_at").gt(lit(writtenAt)))).count();
    }

    private Dataset<Row> rebuild(Dataset<Row> transactions, LocalDate asOf, double halfLife, Map<String, Long> details) {
        Warehouse warehouse = context.warehouse();
        var spark = warehouse.spark();
        describe("rebuild customer_state from all lines");
        long inputBytes = DeltaTable.forPath(spark, warehouse.path(Tables.TRANSACTIONS)).detail().first().<Long>getAs("sizeInBytes");
        try (var shuffles = SparkSessions.sizeShuffles(spark, inputBytes)) {
            details.put("state_shuffle_partitions", (long) shuffles.partitions());
            Dataset<Row> built = CustomerStateStep.fold(CustomerStateStep.empty(spark), transactions, null, asOf, halfLife)
                    .withColumn("state_updated_at", lit(Timestamp.from(context.now())));
            warehouse.overwrite(Tables.CUSTOMER_STATE, built);
        }
        details.put("state_rebuilt", 1L);
        LOG.info("{}: rebuilt customer_state from all transactions up to {}", stage, asOf);
        return warehouse.read(Tables.CUSTOMER_STATE);
    }

    private void describe(String step) {
        JobDescription.set(context.warehouse().spark(), stage, step);
    }
}
