package dev.onetoone.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import dev.onetoone.config.SourceEntity;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * The outcome of validating one input: rows that passed every check, and quarantine rows (in the
 * {@code quarantine} table's schema) for the rest. Every input row lands in exactly one of the two.
 */
public record ValidatedRows(Dataset<Row> accepted, Dataset<Row> quarantined) {
    static final String REASON_CODES = "reason_codes";
    static final String RAW_RECORD = "raw_record";
    static final String LINE_HASH = "line_hash";
    static final String OCCURRENCE = "occurrence";
    static final String ROW_ORDER = "_row_order";

    /** Numbers the rows of the file so that "first occurrence" is well defined. */
    static Dataset<Row> withRowOrder(Dataset<Row> rows) {
        return rows.withColumn(ROW_ORDER, monotonically_increasing_id());
    }

    /** 1 for the first row (in file order) with this key, 2 for the second, and so on. */
    static Column occurrenceOf(Column key) {
        return row_number().over(Window.partitionBy(key).orderBy(col(ROW_ORDER)));
    }

    /**
     * Applies the rules (reason code to condition) to typed rows that carry {@code _malformed}, {@code raw_record},
     * {@code line_hash} and {@code occurrence}, and splits them into accepted rows, which keep every other column,
     * and quarantine rows. A malformed line gets {@code malformed_line} alone: its fields mean nothing.
     */
    static ValidatedRows split(Dataset<Row> typed, Map<String, Column> rules, SourceEntity entity, String sourceFile,
            String runId, Instant now) {
        Dataset<Row> validated = typed.withColumn(REASON_CODES,
                when(col("_malformed"), array(lit(ReasonCodes.MALFORMED_LINE))).otherwise(SourceColumns.reasons(rules)));
        Dataset<Row> quarantined = validated.where(size(col(REASON_CODES)).gt(0)).select(
                sha2(concat(col(LINE_HASH), lit("#"), col(OCCURRENCE).cast("string")), 256).as("record_id"),
                lit(runId).as("run_id"),
                lit(entity.key()).as("source_kind"),
                lit(sourceFile).as("source_file"),
                col(RAW_RECORD).as("raw_record"),
                col(REASON_CODES).as("reason_codes"),
                array_join(col(REASON_CODES), ",").as("reasons"),
                lit(Timestamp.from(now)).as("quarantined_at"));
        Dataset<Row> accepted = validated.where(size(col(REASON_CODES)).equalTo(0))
                .drop(REASON_CODES, RAW_RECORD, OCCURRENCE, ROW_ORDER);
        return new ValidatedRows(accepted, Warehouse.conform(Tables.QUARANTINE, quarantined));
    }
}
