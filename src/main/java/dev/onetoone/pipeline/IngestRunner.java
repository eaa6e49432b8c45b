package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.config.SourceEntity;
import dev.onetoone.ingest.CustomerValidator;
import dev.onetoone.ingest.ProductValidator;
import dev.onetoone.ingest.TransactionValidator;
import dev.onetoone.ingest.UnknownMasterData;
import dev.onetoone.ingest.ValidatedRows;
import dev.onetoone.io.InputReader;
import dev.onetoone.io.RawInput;
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
        var reader = new InputReader(context.warehouse().spark(), context.config().ingest().delimiter());
        var results = new ArrayList<StageResult>();
        var ingest = context.config().ingest();
        request.products().ifPresent(path -> results.add(runLog.run("ingest_products", asOf, () -> {
            RawInput raw = reader.read(path);
            return load(SourceEntity.PRODUCTS, raw, new ProductValidator(ingest).validate(raw, context.runId(), context.now()), Tables.PRODUCTS);
        })));
        request.customers().ifPresent(path -> results.add(runLog.run("ingest_customers", asOf, () -> {
            RawInput raw = reader.read(path);
            return load(SourceEntity.CUSTOMERS, raw, new CustomerValidator(ingest).validate(raw, context.runId(), context.now()), Tables.CUSTOMERS);
        })));
        request.transactions().ifPresent(path -> results.add(runLog.run("ingest_transactions", asOf, () -> {
            RawInput raw = reader.read(path);
            ValidatedRows validated = new TransactionValidator(ingest).validate(raw, referenceDate, context.runId(), context.now());
            Dataset<Row> accepted = TransactionValidator.withCatalogueCategory(validated.accepted(), context.warehouse().read(Tables.PRODUCTS));
            return load(SourceEntity.TRANSACTIONS, raw, new ValidatedRows(accepted, validated.quarantined()), Tables.TRANSACTIONS);
        })));
        return results;
    }

    private StageResult load(SourceEntity entity, RawInput raw, ValidatedRows validated, TableSpec target) {
        Warehouse warehouse = context.warehouse();
        String stage = "ingest_" + entity.key();
        // Cached once: the counts, the quarantine and the MERGE below all read them.
        Dataset<Row> accepted = validated.accepted().persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> quarantined = validated.quarantined().persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long rowsRead = raw.rows().count();
            Row acceptedCounts = entity == SourceEntity.TRANSACTIONS
                    ? accepted.agg(count(lit(1)), sum(when(col("is_return"), 1L).otherwise(0L)),
                            sum(when(col("is_zero_value"), 1L).otherwise(0L))).first()
                    : accepted.agg(count(lit(1)), lit(0L), lit(0L)).first();
            long rowsAccepted = acceptedCounts.getLong(0);
            long rowsQuarantined = quarantined.count();
            if (rowsRead != rowsAccepted + rowsQuarantined) {
                throw new IllegalStateException(stage + " lost rows: read " + rowsRead + " but accepted " + rowsAccepted
                        + " and quarantined " + rowsQuarantined);
            }
            Map<String, Long> details = new LinkedHashMap<>();
            quarantineReasonCounts(quarantined).forEach((reason, count) -> details.put("quarantined_" + reason, count));
            long quarantineInserted = rowsQuarantined == 0 ? 0 : warehouse.insertNew(Tables.QUARANTINE, quarantined);
            details.put("quarantine_new_rows", quarantineInserted);

            double share = rowsRead == 0 ? 0.0 : (double) rowsQuarantined / rowsRead;
            double maxShare = context.config().ingest().maxQuarantineShare();
            if (share > maxShare) {
                String message = String.format(Locale.ROOT,
                        "%s: %d of %d rows (%.1f%%) quarantined from %s, above ingest.max-quarantine-share %.1f%%; "
                                + "the quarantine is written (run %s), no %s were loaded",
                        stage, rowsQuarantined, rowsRead, 100 * share, raw.sourceFile(), 100 * maxShare, context.runId(), entity.key());
                throw new RunLog.QualityGateFailure(message,
                        new StageResult(stage, rowsRead, 0, rowsQuarantined, message, details));
            }

            long newRows;
            if (entity == SourceEntity.TRANSACTIONS) {
                newRows = warehouse.insertNew(target, accepted);
                details.put("new_rows", newRows);
                details.put("already_loaded", rowsAccepted - newRows);
                details.put("returns", acceptedCounts.isNullAt(1) ? 0L : acceptedCounts.getLong(1));
                details.put("zero_value_lines", acceptedCounts.isNullAt(2) ? 0L : acceptedCounts.getLong(2));
                details.put("unknown_customers_created", warehouse.insertNew(Tables.CUSTOMERS,
                        UnknownMasterData.missingCustomers(accepted, warehouse.read(Tables.CUSTOMERS), context.runId(), context.now())));
                details.put("unknown_products_created", warehouse.insertNew(Tables.PRODUCTS,
                        UnknownMasterData.missingProducts(accepted, warehouse.read(Tables.PRODUCTS), context.runId(), context.now())));
            } else {
                newRows = warehouse.upsert(target, accepted);
                details.put("rows_written", newRows);
            }
            String message = String.format(Locale.ROOT, "%s: read %d, accepted %d, quarantined %d from %s",
                    entity.key(), rowsRead, rowsAccepted, rowsQuarantined, raw.sourceFile());
            return new StageResult(stage, rowsRead, rowsAccepted, rowsQuarantined, message, details);
        } finally {
            accepted.unpersist();
            quarantined.unpersist();
        }
    }

    private static Map<String, Long> quarantineReasonCounts(Dataset<Row> quarantined) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        // One row per reason code: small by construction.
        for (Row row : quarantined.select(explode(col("reason_codes")).as("reason")).groupBy("reason").count().collectAsList()) {
            counts.put(row.getString(0), row.getLong(1));
        }
        return counts;
    }
}
