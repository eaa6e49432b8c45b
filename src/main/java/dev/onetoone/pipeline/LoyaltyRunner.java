package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.delta.tables.DeltaTable;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.ConfigLoader;
import dev.onetoone.io.InputReader;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.RawInput;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.loyalty.BalanceStep;
import dev.onetoone.loyalty.EventInputs;
import dev.onetoone.loyalty.LoyaltyConfig;
import dev.onetoone.loyalty.LoyaltyMetrics;
import dev.onetoone.loyalty.LoyaltyNight;
import dev.onetoone.loyalty.TierStep;

/**
 * The loyalty step of one night: reads the transactions, the ledger and the programme's tables, and the
 * {@code redemptions.*} and {@code referrals.*} files of the input directory if there are any; appends the night's
 * points_ledger entries (insert-only, keyed by source ids), accepts referrals, quarantines refused redemptions and
 * referrals with their reasons, reviews member_tier, derives points_balance from the ledger and writes the day's
 * loyalty_metrics row. customer_model's loyalty_tier, loyalty_vip and points_available (so the offers stage's vip
 * campaigns see the VIP tier) come from the night's points_balance: in the nightly order the model stage, which runs
 * next, writes them with its rows; the loyalty command run on its own fills them into the rows already written
 * ({@link ModelColumns}). Rerunning a night adds no ledger entry and gives the same
 * balances.
 */
public final class LoyaltyRunner {
    public static final String STAGE = "loyalty";
    private static final Logger LOG = LoggerFactory.getLogger(LoyaltyRunner.class);

    private final RunContext context;
    private final RunLog runLog;
    private final LoyaltyConfig config;

    public LoyaltyRunner(RunContext context, RunLog runLog) {
        this(context, runLog, LoyaltyConfig.load(ConfigLoader.resolveFile(context.config().loyaltyFile())));
    }

    public LoyaltyRunner(RunContext context, RunLog runLog, LoyaltyConfig config) {
        this.context = context;
        this.runLog = runLog;
        this.config = config;
    }

    /** Who writes customer_model's loyalty columns for the night. */
    private enum ModelColumns {
        /** The loyalty step, into the customer_model rows already written for the date (the loyalty command on its own). */
        FILL_WRITTEN_ROWS,
        /** The model stage, which runs next and reads the night's points_balance (the nightly order): one write. */
        LEFT_TO_MODEL_STAGE
    }

    /**
     * The loyalty command: fills the loyalty columns of the customer_model rows the date has, if any.
     *
     * @param input an input directory that may hold redemptions.* and referrals.* files, or a single file (no events)
     */
    public StageResult run(LocalDate asOf, Optional<String> input) {
        return run(asOf, input, false);
    }

    /**
     * @param rebuild read the whole ledger and sum every balance from it, as the first night does, instead of reading
     *                the members the night touches and folding the previous night's balances (needed after a change
     *                of points.return-window-days, points.expiry-days or tier.window-days)
     */
    public StageResult run(LocalDate asOf, Optional<String> input, boolean rebuild) {
        return runLog.run(STAGE, asOf, () -> night(asOf, input, rebuild, ModelColumns.FILL_WRITTEN_ROWS));
    }

    /** The nightly order: loyalty before the model stage, which writes the loyalty columns with its rows. */
    public StageResult runBeforeModel(LocalDate asOf, Optional<String> input) {
        return runLog.run(STAGE, asOf, () -> night(asOf, input, false, ModelColumns.LEFT_TO_MODEL_STAGE));
    }

    /** The event file of a kind in an input directory: redemptions.csv, referrals.jsonl, ... */
    public static Optional<String> eventFile(String directory, String kind) {
        Path dir = Path.of(directory);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(Path::toString)
                    .filter(name -> {
                        String file = Path.of(name).getFileName().toString().toLowerCase(Locale.ROOT);
                        return (file.startsWith(kind + ".") || file.startsWith(kind + "_")) && !file.endsWith(".crc");
                    })
                    .sorted().findFirst();
        } catch (IOException e) {
            throw new ConfigException("cannot list input directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private StageResult night(LocalDate asOf, Optional<String> input, boolean rebuild, ModelColumns modelColumns) {
        Warehouse warehouse = context.warehouse();
        var spark = warehouse.spark();
        Timestamp now = Timestamp.from(context.now());
        var reader = new InputReader(spark, context.config().ingest().delimiter());
        Map<String, Long> details = new LinkedHashMap<>();
        long quarantined = 0;
        long eventsRead = 0;

        Optional<RawInput> redemptionInput = input.flatMap(path -> eventFile(path, EventInputs.REDEMPTIONS)).map(reader::read);
        Optional<RawInput> referralInput = input.flatMap(path -> eventFile(path, EventInputs.REFERRALS)).map(reader::read);
        Optional<Dataset<Row>> redemptions = redemptionInput.map(raw -> EventInputs.redemptions(raw).persist(StorageLevel.MEMORY_AND_DISK()));
        Optional<Dataset<Row>> referralRows = referralInput.map(raw -> EventInputs.referrals(raw).persist(StorageLevel.MEMORY_AND_DISK()));

        JobDescription.set(spark, "loyalty", "previous night");
        Optional<LocalDate> previous = rebuild ? Optional.empty() : previousNight(asOf);
        details.put("ledger_read_whole", previous.isPresent() ? 0L : 1L);
        // Read whole, the ledger is used by every step: kept in memory. Read by member, each step reads its own rows.
        Dataset<Row> ledger = warehouse.read(Tables.POINTS_LEDGER);
        if (previous.isEmpty()) {
            ledger = ledger.persist(StorageLevel.MEMORY_AND_DISK());
        }
        Dataset<Row> memberTier = warehouse.read(Tables.MEMBER_TIER);
        Dataset<Row> referrals = warehouse.read(Tables.REFERRALS);
        JobDescription.set(spark, "loyalty", "ledger");
        Optional<Timestamp> previousStarted = previous.flatMap(this::startOfRun);
        var inputs = LoyaltyNight.Inputs.builder().transactions(warehouse.read(Tables.TRANSACTIONS)).ledger(ledger).memberTier(memberTier)
                .customers(warehouse.read(Tables.CUSTOMERS)).offers(warehouse.read(Tables.OFFERS)).referrals(referrals)
                .redemptions(redemptions.map(rows -> rows.where(EventInputs.clean()))).referralRows(referralRows)
                .previousNight(previous).previousStartedAt(previousStarted);
        // customer_state as the night's rfm stage left it, when it is folded through the night: each member's first
        // purchase day, so that the first-purchase bonus reads only the lines of members who can be buying for the
        // first time tonight. Without it (the loyalty command alone, a backfill) the bonus reads the history.
        Optional<Dataset<Row>> state = new CustomerStateUpdater(context, STAGE).storedAsOf(asOf);
        details.put("first_purchases_from_state", state.isPresent() ? 1L : 0L);
        state.ifPresent(inputs::firstPurchases);
        LoyaltyNight.Result result = new LoyaltyNight(config, context.runId(), now).run(inputs.build(), asOf);
        if (result.membersTouched() >= 0) {
            details.put("members_touched", result.membersTouched());
        }

        if (redemptionInput.isPresent()) {
            Dataset<Row> rejected = redemptions.get().where(EventInputs.clean().unary_$bang()).select("raw_record", "reason_codes")
                    .unionByName(result.rejectedRedemptions().select("raw_record", "reason_codes"));
            long read = redemptionInput.get().rows().count();
            long refused = write(rejected, EventInputs.REDEMPTIONS, redemptionInput.get().sourceFile(), now, details);
            eventsRead += read;
            quarantined += refused;
            details.put("redemptions_read", read);
            details.put("redemptions_quarantined", refused);
        }
        if (referralInput.isPresent()) {
            long read = referralInput.get().rows().count();
            long refused = write(result.rejectedReferrals().select("raw_record", "reason_codes"), EventInputs.REFERRALS,
                    referralInput.get().sourceFile(), now, details);
            long accepted = warehouse.insertNew(Tables.REFERRALS, result.acceptedReferrals()
                    .withColumn("run_id", lit(context.runId())).withColumn("accepted_at", lit(now)));
            eventsRead += read;
            quarantined += refused;
            details.put("referrals_read", read);
            details.put("referrals_accepted", accepted);
            details.put("referrals_quarantined", refused);
        }
        JobDescription.set(spark, "loyalty", "write ledger entries");
        Dataset<Row> entries = result.entries();
        long entryCount = 0;
        Map<String, Long> entriesByType = new TreeMap<>();
        SortedSet<LocalDate> entryDates = new TreeSet<>();
        // one row per entry type and entry date: small by construction
        for (Row row : entries.groupBy("entry_type", "entry_date").count().collectAsList()) {
            entriesByType.merge("entries_" + row.getString(0), row.getLong(2), Long::sum);
            entryDates.add(row.getDate(1).toLocalDate());
            entryCount += row.getLong(2);
        }
        details.putAll(entriesByType);
        // The night already left out every entry whose id the ledger holds for its members, so the MERGE need only
        // compare with the stored entries of the days the new ones carry (Delta skips the other files by their
        // entry_date statistics). A new ledger is written ordered by entry_date, for that skipping.
        long inserted = warehouse.insertNewOnDates(Tables.POINTS_LEDGER, entries, "entry_date", List.copyOf(entryDates));
        details.put("ledger_entries_added", inserted);
        details.put("returns_unmatched", result.unmatchedReturns());
        ledger.unpersist();

        JobDescription.set(spark, "loyalty", "balance figures");
        // Folded from the previous night's balances (tonight's own, on a rerun) and tonight's entries, or summed over the
        // whole ledger (first night, backfill, rebuild, or when the MERGE stored other entries than the night made).
        boolean fold = previous.isPresent() && inserted == entryCount;
        Dataset<Row> figures = fold
                ? BalanceStep.fold(warehouse.read(Tables.POINTS_BALANCE), previous.get(), entries, warehouse.read(Tables.POINTS_LEDGER), asOf,
                        config.tierWindowDays())
                : BalanceStep.sums(warehouse.read(Tables.POINTS_LEDGER), asOf, config.tierWindowDays());
        // Materialized: points_balance is read by the fold and overwritten below.
        figures = figures.localCheckpoint(true);
        details.put("balances_folded", fold ? 1L : 0L);

        JobDescription.set(spark, "loyalty", "tiers");
        Dataset<Row> tierRows = new TierStep(config).review(figures.select("customer_id", "qualifying"), warehouse.read(Tables.POINTS_LEDGER),
                warehouse.read(Tables.MEMBER_TIER), asOf, context.runId());
        long tierRowsWritten = warehouse.upsert(Tables.MEMBER_TIER, tierRows);
        details.put("member_tier_rows_written", tierRowsWritten);

        JobDescription.set(spark, "loyalty", "balances");
        Dataset<Row> currentTiers = warehouse.read(Tables.MEMBER_TIER).where(col("valid_to").isNull()).select("customer_id", "tier");
        warehouse.overwrite(Tables.POINTS_BALANCE, BalanceStep.withTiers(figures, currentTiers, asOf));
        Dataset<Row> balances = warehouse.read(Tables.POINTS_BALANCE).persist(StorageLevel.MEMORY_AND_DISK());

        long modelled = 0;
        if (modelColumns == ModelColumns.FILL_WRITTEN_ROWS) {
            JobDescription.set(spark, "loyalty", "customer_model columns");
            Dataset<Row> models = warehouse.exists(Tables.CUSTOMER_MODEL) ? warehouse.readAsOf(Tables.CUSTOMER_MODEL, asOf) : null;
            if (models != null && !models.isEmpty()) {
                Dataset<Row> joined = LoyaltyColumns.fill(models, Optional.of(balances), config.vipTier()).persist(StorageLevel.MEMORY_AND_DISK());
                modelled = joined.count();
                warehouse.overwriteAsOf(Tables.CUSTOMER_MODEL, joined, asOf);
                joined.unpersist();
            }
        }
        details.put("customer_model_rows", modelled);

        JobDescription.set(spark, "loyalty", "metrics");
        Dataset<Row> allReferrals = warehouse.read(Tables.REFERRALS);
        Dataset<Row> referredPurchases = warehouse.read(Tables.TRANSACTIONS).where(col("is_return").equalTo(false))
                .join(allReferrals.select(col("referred_id").as("customer_id")), "customer_id").select("customer_id", "purchase_date");
        Dataset<Row> metrics = LoyaltyMetrics.compute(spark, Tables.LOYALTY_METRICS.schema(),
                new LoyaltyMetrics.Inputs(warehouse.read(Tables.POINTS_LEDGER).where(col("entry_date").equalTo(lit(java.sql.Date.valueOf(asOf)))),
                        balances, warehouse.read(Tables.MEMBER_TIER), allReferrals, referredPurchases),
                config, context.config().offers().pointValue(), asOf, context.runId());
        warehouse.overwriteAsOf(Tables.LOYALTY_METRICS, metrics, asOf);
        Row day = warehouse.readAsOf(Tables.LOYALTY_METRICS, asOf).first();
        balances.unpersist();
        redemptions.ifPresent(Dataset::unpersist);
        referralRows.ifPresent(Dataset::unpersist);

        long members = day.getLong(day.fieldIndex("members"));
        String message = String.format(Locale.ROOT,
                "loyalty: %d ledger entries added, %d members, %d points outstanding (liability %.2f net of %.1f%% breakage), %d events quarantined as of %s",
                inserted, members, day.getLong(day.fieldIndex("points_outstanding")), day.getDouble(day.fieldIndex("liability_net")),
                100 * day.getDouble(day.fieldIndex("breakage_rate")), quarantined, asOf);
        return new StageResult(STAGE, eventsRead, inserted, quarantined, message, details);
    }

    /**
     * The night before {@code asOf}, or {@code asOf} itself for a rerun, if its balances are the latest and were
     * derived from the ledger as it stands: points_balance holds that night (all its rows), and the ledger's last
     * commit is not later than the balances'. A night that added entries and stopped before writing its balances, a
     * backfill or a gap of days gives none, and the night reads the whole ledger.
     */
    private Optional<LocalDate> previousNight(LocalDate asOf) {
        Warehouse warehouse = context.warehouse();
        if (!warehouse.exists(Tables.POINTS_BALANCE) || !warehouse.exists(Tables.POINTS_LEDGER)) {
            return Optional.empty();
        }
        Row marks = warehouse.read(Tables.POINTS_BALANCE).agg(min("as_of"), max("as_of")).first();
        if (marks.isNullAt(0) || !marks.getDate(0).equals(marks.getDate(1))) {
            return Optional.empty();
        }
        LocalDate balancesAsOf = marks.getDate(1).toLocalDate();
        if (!balancesAsOf.equals(asOf.minusDays(1)) && !balancesAsOf.equals(asOf)) {
            return Optional.empty();
        }
        if (lastCommit(Tables.POINTS_LEDGER).after(lastCommit(Tables.POINTS_BALANCE))) {
            LOG.info("loyalty: points_ledger changed after points_balance was derived; reading the whole ledger");
            return Optional.empty();
        }
        return Optional.of(balancesAsOf);
    }

    /**
     * When the latest successful loyalty run of {@code night} started (run_log), or empty when run_log has none: the
     * lines ingested before it are the ones that run could see.
     */
    private Optional<Timestamp> startOfRun(LocalDate night) {
        Warehouse warehouse = context.warehouse();
        if (!warehouse.exists(Tables.RUN_LOG)) {
            return Optional.empty();
        }
        // one row at most
        List<Row> runs = warehouse.read(Tables.RUN_LOG)
                .where(col("stage").equalTo(STAGE).and(col("as_of").equalTo(lit(java.sql.Date.valueOf(night))))
                        .and(col("status").isin(RunLog.SUCCEEDED.toArray())))
                .orderBy(col("ended_at").desc()).limit(1).select("started_at").collectAsList();
        return runs.isEmpty() || runs.get(0).isNullAt(0) ? Optional.empty() : Optional.of(runs.get(0).getTimestamp(0));
    }

    /**
     * When the table's rows last changed: its latest commit other than maintenance (OPTIMIZE, VACUUM, table
     * properties), which rewrites files but not rows. Among the last ten commits; if all ten are maintenance, the
     * latest of them, which makes the caller read the whole ledger.
     */
    private Timestamp lastCommit(dev.onetoone.io.TableSpec table) {
        var warehouse = context.warehouse();
        Dataset<Row> history = DeltaTable.forPath(warehouse.spark(), warehouse.path(table)).history(10);
        Row changed = history.where(col("operation").isin("OPTIMIZE", "VACUUM START", "VACUUM END", "SET TBLPROPERTIES").unary_$bang())
                .agg(max("timestamp")).first();
        return changed.isNullAt(0) ? history.agg(max("timestamp")).first().getTimestamp(0) : changed.getTimestamp(0);
    }

    /** Writes the refused rows to quarantine and counts them by reason. */
    private long write(Dataset<Row> rejected, String kind, String sourceFile, Timestamp now, Map<String, Long> details) {
        Dataset<Row> rows = EventInputs.quarantine(rejected, kind, sourceFile, context.runId(), now).persist(StorageLevel.MEMORY_AND_DISK());
        long count = rows.count();
        if (count > 0) {
            for (Row row : rows.select(explode(col("reason_codes")).as("reason")).groupBy("reason").count().collectAsList()) {
                details.put(kind + "_quarantined_" + row.getString(0), row.getLong(1));
            }
            context.warehouse().insertNew(Tables.QUARANTINE, rows);
        }
        rows.unpersist();
        return count;
    }
}
