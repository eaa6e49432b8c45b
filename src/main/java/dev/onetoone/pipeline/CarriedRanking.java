package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.onetoone.affinity.Reasons;
import dev.onetoone.config.OneToOneConfig.AffinityConfig;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * The previous night's product rankings that tonight can keep, and the active customers it must rank again.
 *
 * <p>A customer's ranking depends on their own lines, on the ranker, and on what all customers bought (the sources'
 * global parts: ALS's item factors, which are kept from the ranker's training night, neighbours, co-occurrence and
 * popularity). Between two trainings of the ranker the
 * night re-ranks the active customers who have a line the previous ranking did not see (dated after it, or ingested
 * since it started: late lines), and those it did not rank; the others keep the previous ranking's products, scores
 * and ranks, with the days in their reasons counted to tonight. What a carried ranking misses is the drift of the
 * global parts and of the customer's own timing features; the ranker's retraining, every
 * {@code affinity.ranker.retrain-days}, ranks everyone again and bounds it. {@code affinity --rebuild} ranks everyone
 * on any night.
 *
 * <p>The previous ranking is the product_affinity rows of the latest successful affinity run for an as-of date up to
 * tonight's, kept only when it used tonight's ranker and affinity settings (its run_log details record the ranker's
 * training date and a fingerprint of the settings) and its rows are still stored. A rerun of a night therefore
 * carries that night's own ranking and re-ranks only the customers with lines ingested since it started: a rerun
 * costs what changed, not a full ranking.
 */
final class CarriedRanking {
    /** run_log detail of the affinity stage: the ranker's training date (epoch day) the night ranked with. */
    static final String RANKER_TRAINED_DETAIL = "ranker_trained_as_of_epoch_day";
    /** run_log detail of the affinity stage: {@link #settingsHash} of the settings the night ranked with. */
    static final String SETTINGS_DETAIL = "affinity_settings_hash";
    private static final Logger LOG = LoggerFactory.getLogger(CarriedRanking.class);

    private final LocalDate from;
    private final Dataset<Row> previousRows;
    private final Dataset<Row> carriedCustomers;
    private final Dataset<Row> toRank;

    private CarriedRanking(LocalDate from, Dataset<Row> previousRows, Dataset<Row> carriedCustomers, Dataset<Row> toRank) {
        this.from = from;
        this.previousRows = previousRows;
        this.carriedCustomers = carriedCustomers;
        this.toRank = toRank;
    }

    /**
     * The latest ranking as of {@code asOf} or before that ranked with the ranker trained as of {@code rankerTrainedAsOf},
     * or empty when there is none to carry (then every active customer is ranked).
     *
     * @param active the customers to rank tonight (customer_id)
     */
    static Optional<CarriedRanking> previous(RunContext context, LocalDate asOf, LocalDate rankerTrainedAsOf, Dataset<Row> transactions,
            Dataset<Row> active) {
        long settings = settingsHash(context.config().affinity());
        Warehouse warehouse = context.warehouse();
        if (!warehouse.exists(Tables.PRODUCT_AFFINITY) || !warehouse.exists(Tables.RUN_LOG)) {
            return Optional.empty();
        }
        JobDescription.set(warehouse.spark(), "affinity", "find the previous ranking");
        List<Row> runs = warehouse.read(Tables.RUN_LOG)
                .where(col("stage").equalTo("affinity").and(col("as_of").leq(lit(Date.valueOf(asOf))))
                        .and(col("status").isin(RunLog.SUCCEEDED.toArray())))
                .orderBy(col("as_of").desc(), col("ended_at").desc()).limit(1)
                .select("as_of", "started_at", "details").collectAsList();
        if (runs.isEmpty()) {
            return Optional.empty();
        }
        LocalDate previous = runs.get(0).getDate(0).toLocalDate();
        Timestamp started = runs.get(0).getTimestamp(1);
        Map<String, Long> details = runs.get(0).getJavaMap(2);
        Long trained = details == null ? null : details.get(RANKER_TRAINED_DETAIL);
        if (trained == null || trained != rankerTrainedAsOf.toEpochDay()) {
            LOG.info("affinity: the ranking of {} used another ranker than tonight's (trained as of {}); ranking every active customer",
                    previous, rankerTrainedAsOf);
            return Optional.empty();
        }
        Long previousSettings = details.get(SETTINGS_DETAIL);
        if (previousSettings == null || previousSettings != settings) {
            LOG.info("affinity: the ranking of {} used other affinity.* settings than tonight's; ranking every active customer", previous);
            return Optional.empty();
        }
        // A run that recorded its ranker wrote ranked_as_of on every row of its date.
        Dataset<Row> rows = warehouse.readAsOf(Tables.PRODUCT_AFFINITY, previous);
        if (rows.isEmpty()) {
            LOG.info("affinity: no stored ranking for {}; ranking every active customer", previous);
            return Optional.empty();
        }
        JobDescription.set(warehouse.spark(), "affinity", "customers with new lines");
        // New days, and lines of earlier days ingested since the previous ranking started (late lines). Both filters
        // let Delta skip the files of older days and older loads by their statistics.
        Dataset<Row> changed = transactions
                .where(col("purchase_date").leq(lit(Date.valueOf(asOf)))
                        .and(col("purchase_date").gt(lit(Date.valueOf(previous))).or(col("ingested_at").gt(lit(started)))))
                .select("customer_id").distinct();
        Dataset<Row> carried = active.join(rows.select("customer_id").distinct(), "customer_id", "left_semi")
                .join(changed, "customer_id", "left_anti")
                .localCheckpoint(true);
        Dataset<Row> toRank = active.join(carried, "customer_id", "left_anti").localCheckpoint(true);
        return Optional.of(new CarriedRanking(previous, rows, carried, toRank));
    }

    /**
     * A fingerprint of the affinity settings, the same in every JVM: the hash of the settings' text (a record's
     * {@code toString} names every field and value; an enum's {@code hashCode} would differ between JVMs).
     */
    static long settingsHash(AffinityConfig settings) {
        return settings.toString().hashCode();
    }

    /** The date of the ranking carried from. */
    LocalDate from() {
        return from;
    }

    /** The active customers to rank tonight (customer_id). */
    Dataset<Row> toRank() {
        return toRank;
    }

    /** The carried customers' previous rows as of {@code asOf}: ranked_as_of kept, the reasons' days counted to tonight. */
    Dataset<Row> rows(LocalDate asOf) {
        Dataset<Row> kept = previousRows.join(carriedCustomers, "customer_id", "left_semi")
                .withColumn("as_of", lit(Date.valueOf(asOf)));
        return Reasons.countDaysTo(kept, asOf);
    }
}
