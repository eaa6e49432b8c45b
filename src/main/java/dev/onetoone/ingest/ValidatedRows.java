package dev.onetoone.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.config.SourceEntity;
import dev.onetoone.io.RawInput;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * The outcome of validating one input: every row of the file once, typed, with the reason codes that apply, from
 * which the accepted rows (no reason) and the quarantine rows (in the {@code quarantine} table's schema) are
 * projected. Every input row lands in exactly one of the two.
 *
 * <p>Validation reads the file once: {@link #persist()} caches the typed rows, and the counts, the quarantine and
 * the accepted rows are all derived from that cache. The source columns travel in the cache under private names so
 * that the raw record (JSON of the source columns) is built for rejected rows only.
 */
public final class ValidatedRows {
    static final String REASON_CODES = "reason_codes";
    /** True for a row that passed every check (no reason code). */
    private static final String CLEAN = "_clean";
    static final String LINE_HASH = "line_hash";
    static final String OCCURRENCE = "occurrence";
    static final String ROW_ORDER = "_row_order";
    private static final String SOURCE_PREFIX = "_source_";

    private final Dataset<Row> typed;
    private final Map<String, Column> rules;
    private final Dataset<Row> occurrences;
    private final UnaryOperator<Dataset<Row>> acceptedColumns;
    private final Column quarantineRawRecord;
    private final Column quarantineLineHash;
    private final SourceEntity entity;
    private final String sourceFile;
    private final String runId;
    private final Instant now;
    private final Map<String, Column> acceptedMeasures;

    private ValidatedRows(Dataset<Row> typed, Dataset<Row> occurrences, Map<String, Column> rules,
            UnaryOperator<Dataset<Row>> acceptedColumns, Column quarantineRawRecord, Column quarantineLineHash, SourceEntity entity,
            String sourceFile, String runId, Instant now, Map<String, Column> acceptedMeasures) {
        this.typed = typed;
        this.occurrences = occurrences;
        this.rules = rules;
        this.acceptedColumns = acceptedColumns;
        this.quarantineRawRecord = quarantineRawRecord;
        this.quarantineLineHash = quarantineLineHash;
        this.entity = entity;
        this.sourceFile = sourceFile;
        this.runId = runId;
        this.now = now;
        this.acceptedMeasures = acceptedMeasures;
    }

    /** Numbers the rows of the file so that "first occurrence" is well defined. */
    static Dataset<Row> withRowOrder(Dataset<Row> rows) {
        return rows.withColumn(ROW_ORDER, monotonically_increasing_id());
    }

    /** 1 for the first row (in file order) with this key, 2 for the second, and so on. */
    static Column occurrenceOf(Column key) {
        return row_number().over(Window.partitionBy(key).orderBy(col(ROW_ORDER)));
    }

    /** The source columns under private names, to be carried next to the typed columns of the same names. */
    static List<Column> sourceColumns(RawInput input) {
        List<Column> columns = new ArrayList<>();
        for (int index = 0; index < input.sourceColumns().size(); index++) {
            columns.add(col("`" + input.sourceColumns().get(index) + "`").as(SOURCE_PREFIX + index));
        }
        columns.add(col(RawInput.CORRUPT_RECORD).as(SOURCE_PREFIX + "corrupt"));
        return columns;
    }

    /** The row as read: raw text of a malformed line, otherwise JSON of the source columns under their own names. */
    private static Column rawRecord(RawInput input) {
        List<Column> fields = new ArrayList<>();
        for (int index = 0; index < input.sourceColumns().size(); index++) {
            fields.add(col(SOURCE_PREFIX + index).as(input.sourceColumns().get(index)));
        }
        return coalesce(col(SOURCE_PREFIX + "corrupt"),
                to_json(struct(fields.toArray(Column[]::new)), Map.of("ignoreNullFields", "false")));
    }

    /** The hex line hash over the carried source columns, as {@link SourceColumns#lineHash} computes it. */
    private static Column lineHash(RawInput input) {
        List<Column> values = new ArrayList<>();
        for (int index = 0; index < input.sourceColumns().size(); index++) {
            values.add(col(SOURCE_PREFIX + index));
        }
        values.add(col(SOURCE_PREFIX + "corrupt"));
        return SourceColumns.lineHash(values);
    }

    /**
     * Builds the validation of typed rows that carry {@code _malformed}, {@link #LINE_HASH}, {@link #ROW_ORDER} and
     * the {@link #sourceColumns}. The rules map reason codes to conditions over those rows and may test
     * {@link #OCCURRENCE} (1 for the first row of the file with its line hash, 2 for the second, ...). A malformed
     * line gets {@code malformed_line} alone: its fields mean nothing.
     *
     * @param acceptedColumns  projects accepted rows to the target table's columns
     * @param acceptedMeasures named conditions counted over the accepted rows (e.g. returns)
     */
    static ValidatedRows of(Dataset<Row> typed, Map<String, Column> rules, UnaryOperator<Dataset<Row>> acceptedColumns,
            Map<String, Column> acceptedMeasures, RawInput input, SourceEntity entity, String runId, Instant now) {
        return new ValidatedRows(typed, null, rules, acceptedColumns, rawRecord(input), lineHash(input), entity, input.sourceFile(),
                runId, now, acceptedMeasures);
    }

    /**
     * Caches the typed rows (the one read of the input) and the occurrence numbers of repeated lines. Duplicates are
     * found on a narrow key: the line hashes that occur more than once, which are few, are numbered among
     * themselves and broadcast back, so the wide rows are never shuffled or sorted.
     */
    public ValidatedRows persist() {
        Dataset<Row> cached = typed.persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> keys = cached.select(col(LINE_HASH), col(ROW_ORDER));
        Dataset<Row> repeated = keys.groupBy(LINE_HASH).agg(count(lit(1)).as("_copies")).where(col("_copies").gt(1)).select(LINE_HASH);
        Dataset<Row> numbered = keys.join(broadcast(repeated), LINE_HASH)
                .select(col(ROW_ORDER).as("_repeated_row"),
                        row_number().over(Window.partitionBy(LINE_HASH).orderBy(ROW_ORDER)).as(OCCURRENCE))
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new ValidatedRows(cached, numbered, rules, acceptedColumns, quarantineRawRecord, quarantineLineHash, entity,
                sourceFile, runId, now, acceptedMeasures);
    }

    public void unpersist() {
        typed.unpersist();
        if (occurrences != null) {
            occurrences.unpersist();
        }
    }

    /** Every row with its occurrence number and reason codes. */
    private Dataset<Row> validated() {
        Dataset<Row> withOccurrence;
        if (occurrences == null) {
            // not persisted (unit tests on small inline data): number the lines directly
            withOccurrence = typed.withColumn(OCCURRENCE, occurrenceOf(col(LINE_HASH)));
        } else {
            withOccurrence = typed.join(broadcast(occurrences), typed.col(ROW_ORDER).equalTo(occurrences.col("_repeated_row")), "left")
                    .withColumn(OCCURRENCE, coalesce(col(OCCURRENCE), lit(1)))
                    .drop("_repeated_row");
        }
        // Clean first, as one condition the generated code evaluates; the array of codes is built for the other rows
        // only (it is evaluated row by row, outside the generated code, and most rows are clean).
        return withOccurrence.withColumn(CLEAN, col("_malformed").unary_$bang().and(anyRule().unary_$bang()))
                .withColumn(REASON_CODES, when(col(CLEAN), array().cast("array<string>"))
                        .when(col("_malformed"), array(lit(ReasonCodes.MALFORMED_LINE)))
                        .otherwise(SourceColumns.reasons(rules)));
    }

    /** True when some rule's condition holds (a null condition does not). */
    private Column anyRule() {
        return rules.values().stream().map(condition -> coalesce(condition, lit(false))).reduce(Column::or).orElse(lit(false));
    }

    /** The rows a code counts: malformed lines for {@code malformed_line}, otherwise well-formed lines whose rule holds. */
    private Column holds(String code) {
        return code.equals(ReasonCodes.MALFORMED_LINE) ? col("_malformed")
                : col("_malformed").unary_$bang().and(coalesce(rules.get(code), lit(false)));
    }

    /** Rows that passed every check, in the target table's columns. */
    public Dataset<Row> accepted() {
        return acceptedColumns.apply(validated().where(col(CLEAN)));
    }

    /** Rows that failed a check, in the quarantine table's schema; the raw record is built here only. */
    public Dataset<Row> quarantined() {
        Dataset<Row> quarantined = validated().where(col(CLEAN).unary_$bang()).select(
                // the full hex hash, as before the line key became binary, so that record ids of earlier runs still match
                sha2(concat(quarantineLineHash, lit("#"), col(OCCURRENCE).cast("string")), 256).as("record_id"),
                lit(runId).as("run_id"),
                lit(entity.key()).as("source_kind"),
                lit(sourceFile).as("source_file"),
                quarantineRawRecord.as("raw_record"),
                col(REASON_CODES).as("reason_codes"),
                array_join(col(REASON_CODES), ",").as("reasons"),
                lit(Timestamp.from(now)).as("quarantined_at"));
        return Warehouse.conform(Tables.QUARANTINE, quarantined);
    }

    /**
     * Every count of the stage from one aggregate over the validated rows: rows read, accepted, quarantined, rows per
     * reason code, the accepted measures, and the distinct purchase dates of the accepted rows when the rows have
     * them (few: one per day).
     */
    public Counts counts() {
        Column accepted = col(CLEAN);
        List<String> codes = new ArrayList<>(rules.keySet());
        codes.add(0, ReasonCodes.MALFORMED_LINE);
        List<Column> aggregates = new ArrayList<>();
        aggregates.add(sum(when(accepted, 1L).otherwise(0L)).as("_accepted"));
        for (String code : codes) {
            aggregates.add(sum(when(holds(code), 1L).otherwise(0L)).as("_reason_" + code));
        }
        for (Map.Entry<String, Column> measure : acceptedMeasures.entrySet()) {
            aggregates.add(sum(when(accepted.and(coalesce(measure.getValue(), lit(false))), 1L).otherwise(0L)).as("_measure_" + measure.getKey()));
        }
        boolean dated = List.of(typed.columns()).contains("purchase_date");
        if (dated) {
            aggregates.add(collect_set(when(accepted, col("purchase_date"))).as("_dates"));
        }
        Row row = validated().agg(count(lit(1)).as("_rows"), aggregates.toArray(Column[]::new)).first();
        long rows = row.getLong(row.fieldIndex("_rows"));
        long acceptedRows = row.isNullAt(row.fieldIndex("_accepted")) ? 0L : row.getLong(row.fieldIndex("_accepted"));
        Map<String, Long> reasons = new TreeMap<>();
        for (String code : codes) {
            int index = row.fieldIndex("_reason_" + code);
            long value = row.isNullAt(index) ? 0L : row.getLong(index);
            if (value > 0) {
                reasons.put(code, value);
            }
        }
        Map<String, Long> measures = new LinkedHashMap<>();
        for (String name : acceptedMeasures.keySet()) {
            int index = row.fieldIndex("_measure_" + name);
            measures.put(name, row.isNullAt(index) ? 0L : row.getLong(index));
        }
        List<LocalDate> dates = new ArrayList<>();
        if (dated) {
            for (Object date : row.getList(row.fieldIndex("_dates"))) {
                dates.add(((java.sql.Date) date).toLocalDate());
            }
            dates.sort(null);
        }
        return new Counts(rows, acceptedRows, rows - acceptedRows, reasons, measures, dates);
    }

    /**
     * Counts of one validated input.
     *
     * @param rows          rows read
     * @param accepted      rows without a reason
     * @param quarantined   rows with at least one reason
     * @param reasons       rows per reason code (a row with two reasons counts under both)
     * @param measures      the accepted measures
     * @param acceptedDates distinct purchase dates of the accepted rows, ascending (empty for master data)
     */
    public record Counts(long rows, long accepted, long quarantined, Map<String, Long> reasons, Map<String, Long> measures,
            List<LocalDate> acceptedDates) {
        public Counts {
            reasons = Map.copyOf(reasons);
            measures = Map.copyOf(measures);
            acceptedDates = List.copyOf(acceptedDates);
        }
    }
}
