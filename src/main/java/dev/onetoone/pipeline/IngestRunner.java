package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.unhex;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.ConfigKeys;
import dev.onetoone.config.SourceEntity;
import dev.onetoone.ingest.CustomerValidator;
import dev.onetoone.ingest.ProductValidator;
import dev.onetoone.ingest.TransactionValidator;
import dev.onetoone.ingest.UnknownMasterData;
import dev.onetoone.ingest.ValidatedRows;
import dev.onetoone.io.InputReader;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.RawInput;
import dev.onetoone.io.SparkSessions;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * Loads input files: reads, validates, writes the quarantine, checks the quarantine share, then merges the accepted
 * rows (insert-only for transactions, so re-ingesting a file adds nothing; upsert for master data). Products load
 * first and customers second, so that transactions find their master data and only truly unknown ids get
 * placeholders. Each file is one stage in {@code run_log}: {@code ingest_products}, {@code ingest_customers},
 * {@code ingest_transactions}.
 */
public final class IngestRunner {
    private static final Logger LOG = LoggerFactory.getLogger(IngestRunner.class);

    private final RunContext context;
    private final RunLog runLog;

    public IngestRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    /**
     * @param asOf          recorded in run_log; may be null
     * @param referenceDate transactions dated after this day plus the tolerance are quarantined as future-dated
     */
    public List<StageResult> ingest(IngestRequest request, LocalDate asOf, LocalDate referenceDate) {
        var ingest = context.config().ingest();
        requirePlausibleAsOf(asOf, ingest.asOfMaxDaysAhead());
        var reader = new InputReader(context.warehouse().spark(), ingest.delimiter());
        var results = new ArrayList<StageResult>();
        request.products().ifPresent(path -> results.add(runLog.run("ingest_products", asOf, () -> reading(path, () -> {
            RawInput raw = reader.read(path);
            return load(SourceEntity.PRODUCTS, raw, new ProductValidator(ingest).validate(raw, context.runId(), context.now()), Tables.PRODUCTS,
                    UnaryOperator.identity());
        }))));
        request.customers().ifPresent(path -> results.add(runLog.run("ingest_customers", asOf, () -> reading(path, () -> {
            RawInput raw = reader.read(path);
            return load(SourceEntity.CUSTOMERS, raw, new CustomerValidator(ingest).validate(raw, context.runId(), context.now()), Tables.CUSTOMERS,
                    UnaryOperator.identity());
        }))));
        request.transactions().ifPresent(path -> results.add(runLog.run("ingest_transactions", asOf, () -> reading(path, () -> {
            RawInput raw = reader.read(path);
            ValidatedRows validated = new TransactionValidator(ingest).validate(raw, referenceDate, context.runId(), context.now());
            Dataset<Row> products = context.warehouse().read(Tables.PRODUCTS);
            return load(SourceEntity.TRANSACTIONS, raw, validated, Tables.TRANSACTIONS,
                    accepted -> TransactionValidator.withCatalogueCategory(accepted, products));
        }))));
        return results;
    }

    /**
     * A warehouse written before the line key became binary stores {@code line_id} as the 64 hex characters of the
     * SHA-256; the binary key is its first 16 bytes. Converting the stored ids once (a rewrite of the table, logged)
     * keeps reruns idempotent: a file loaded before the change adds nothing when loaded again.
     */
    private void convertTextLineIds(Warehouse warehouse) {
        if (!warehouse.exists(Tables.TRANSACTIONS)) {
            return;
        }
        Dataset<Row> stored = warehouse.read(Tables.TRANSACTIONS);
        if (!(stored.schema().apply("line_id").dataType() instanceof StringType)) {
            return;
        }
        LOG.warn("transactions stores line_id as hex text (written by an earlier version): converting it to the binary key once");
        JobDescription.set(warehouse.spark(), "ingest", "convert line_id of transactions to binary");
        warehouse.overwrite(Tables.TRANSACTIONS, stored.withColumn("line_id", substring(unhex(col("line_id")), 1, 16)));
    }

    /**
     * Ingest loads what has happened: an as-of date far ahead of the clock (a typo such as 2999-12-31) would move
     * the future-date check with it and let lines dated years ahead into the history.
     */
    private void requirePlausibleAsOf(LocalDate asOf, int maxDaysAhead) {
        LocalDate today = context.today();
        LocalDate latest = today.plusDays(maxDaysAhead);
        if (asOf != null && asOf.isAfter(latest)) {
            throw new ConfigException("--as-of " + asOf + " is more than " + maxDaysAhead + " day(s) after today (" + today
                    + "); give a date up to " + latest + ", or raise " + ConfigKeys.INGEST_AS_OF_MAX_DAYS_AHEAD);
        }
    }

    /**
     * Runs a stage body and turns a checked exception that Spark throws undeclared (a truncated .gz file surfaces as
     * a SparkException) into a runtime one naming the file, so that {@link RunLog} records the failed stage.
     */
    private static StageResult reading(String path, Supplier<StageResult> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read input file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Validates once and loads: one cached read of the input, every count from one aggregate over it, the quarantine
     * (raw records built for its rows only), the quality gate, then the MERGE of the accepted rows.
     *
     * @param enrich applied to the accepted rows before they are written (the catalogue category of transactions)
     */
    private StageResult load(SourceEntity entity, RawInput raw, ValidatedRows validation, TableSpec target,
            UnaryOperator<Dataset<Row>> enrich) {
        Warehouse warehouse = context.warehouse();
        var spark = warehouse.spark();
        String stage = "ingest_" + entity.key();
        ValidatedRows validated = null;
        try {
            ValidatedRows.Counts counts;
            // The input is read once, into the cache, in tasks enough to keep every core busy with the validation; the
            // cache, read a few times, is not compressed.
            try (var split = SparkSessions.splitFileScans(spark); var plain = SparkSessions.uncompressedCache(spark)) {
                validated = validation.persist();
                JobDescription.set(spark, "ingest", "read, validate and count " + raw.sourceFile());
                counts = validated.counts();
            }
            long rowsRead = counts.rows();
            long rowsAccepted = counts.accepted();
            long rowsQuarantined = counts.quarantined();
            Map<String, Long> details = new LinkedHashMap<>();
            counts.reasons().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(entry -> details.put("quarantined_" + entry.getKey(), entry.getValue()));
            JobDescription.set(spark, "ingest", "write quarantine of " + entity.key());
            long quarantineInserted = rowsQuarantined == 0 ? 0 : warehouse.insertNew(Tables.QUARANTINE, validated.quarantined());
            details.put("quarantine_new_rows", quarantineInserted);

            double share = rowsRead == 0 ? 0.0 : (double) rowsQuarantined / rowsRead;
            double maxShare = context.config().ingest().maxQuarantineShare();
            if (share > maxShare) {
                String message = String.format(Locale.ROOT,
                        "%s: %d of %d rows (%.1f%%) quarantined from %s, above ingest.max-quarantine-share %.1f%%; "
                                + "the quarantine is written (run %s), no %s were loaded",
                        stage, rowsQuarantined, rowsRead, 100 * share, raw.sourceFile(), 100 * maxShare, context.runId(), entity.key());
                // rows_out counts the valid rows held back, so that rows_in = rows_out + rows_quarantined still holds
                details.put("held_back", rowsAccepted);
                details.put("new_rows", 0L);
                throw new RunLog.QualityGateFailure(message,
                        new StageResult(stage, rowsRead, rowsAccepted, rowsQuarantined, message, details));
            }

            Dataset<Row> accepted = enrich.apply(validated.accepted());
            long newRows;
            if (entity == SourceEntity.TRANSACTIONS) {
                convertTextLineIds(warehouse);
                JobDescription.set(spark, "ingest", "merge new lines into transactions");
                newRows = warehouse.insertNewOnDates(target, accepted, "purchase_date", counts.acceptedDates());
                details.put("new_rows", newRows);
                details.put("already_loaded", rowsAccepted - newRows);
                details.put(QualityGates.PURCHASE_DAYS, (long) counts.acceptedDates().size());
                details.put("returns", counts.measures().getOrDefault("returns", 0L));
                details.put("zero_value_lines", counts.measures().getOrDefault("zero_value_lines", 0L));
                JobDescription.set(spark, "ingest", "placeholders for unknown customers");
                details.put("unknown_customers_created", warehouse.insertNew(Tables.CUSTOMERS,
                        UnknownMasterData.missingCustomers(accepted, warehouse.read(Tables.CUSTOMERS), context.runId(), context.now())));
                JobDescription.set(spark, "ingest", "placeholders for unknown products");
                details.put("unknown_products_created", warehouse.insertNew(Tables.PRODUCTS,
                        UnknownMasterData.missingProducts(accepted, warehouse.read(Tables.PRODUCTS), context.runId(), context.now())));
            } else {
                JobDescription.set(spark, "ingest", "upsert " + entity.key());
                newRows = warehouse.upsert(target, accepted);
                details.put("rows_written", newRows);
            }
            String message = String.format(Locale.ROOT, "%s: read %d, accepted %d, quarantined %d from %s",
                    entity.key(), rowsRead, rowsAccepted, rowsQuarantined, raw.sourceFile());
            return new StageResult(stage, rowsRead, rowsAccepted, rowsQuarantined, message, details);
        } finally {
            JobDescription.clear(spark);
            if (validated != null) {
                validated.unpersist();
            }
        }
    }
}
