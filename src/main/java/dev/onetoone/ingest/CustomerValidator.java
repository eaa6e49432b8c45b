package dev.onetoone.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.onetoone.config.IngestConfig;
import dev.onetoone.config.SourceEntity;
import dev.onetoone.io.RawInput;

/**
 * Validates customer master data. Consent flags and opt-out default to false when absent or empty: no consent is
 * assumed unless the source says so. Within one file the first record of a customer id wins; later ones are
 * quarantined as {@code duplicate_key}.
 */
public final class CustomerValidator {
    private static final List<String> FLAGS = List.of("consent_email", "consent_sms", "consent_push", "opt_out");

    private final IngestConfig config;

    public CustomerValidator(IngestConfig config) {
        this.config = config;
    }

    public ValidatedRows validate(RawInput input, String runId, Instant now) {
        var source = new SourceColumns(input, config.mapping(SourceEntity.CUSTOMERS));
        Column signup = to_date(SourceColumns.timestamp(source.text("signup_date"), config.dateFormats()));
        Column birth = to_date(SourceColumns.timestamp(source.text("birth_date"), config.dateFormats()));
        Column badFlag = lit(false);
        var columns = new java.util.ArrayList<Column>(List.of(
                col(ValidatedRows.ROW_ORDER),
                source.lineKey().as(ValidatedRows.LINE_HASH),
                source.customerId().as("customer_id"),
                signup.as("signup_date"),
                source.text("country").as("country"),
                birth.as("birth_date"),
                source.malformed().as("_malformed"),
                source.text("signup_date").isNotNull().and(signup.isNull()).as("_bad_signup"),
                source.text("birth_date").isNotNull().and(birth.isNull()).as("_bad_birth")));
        for (String flag : FLAGS) {
            Column parsed = SourceColumns.bool(source.text(flag));
            columns.add(coalesce(parsed, lit(false)).as(flag));
            badFlag = badFlag.or(source.text(flag).isNotNull().and(parsed.isNull()));
        }
        columns.add(badFlag.as("_bad_flag"));
        columns.addAll(ValidatedRows.sourceColumns(input));
        // master data files are small (one row per customer): numbering the ids over the whole row costs little
        Dataset<Row> typed = ValidatedRows.withRowOrder(input.rows()).select(columns.toArray(Column[]::new))
                .withColumn("_key_occurrence", ValidatedRows.occurrenceOf(col("customer_id")));

        Map<String, Column> rules = SourceColumns.rules();
        rules.put(ReasonCodes.MISSING_CUSTOMER_ID, col("customer_id").isNull());
        rules.put(ReasonCodes.INVALID_CUSTOMER_ID, SourceColumns.invalidId(col("customer_id")));
        rules.put(ReasonCodes.UNPARSABLE_DATE, col("_bad_signup").or(col("_bad_birth")));
        rules.put(ReasonCodes.UNPARSABLE_BOOLEAN, col("_bad_flag"));
        rules.put(ReasonCodes.DUPLICATE_LINE, col(ValidatedRows.OCCURRENCE).gt(1));
        rules.put(ReasonCodes.DUPLICATE_KEY, col("customer_id").isNotNull().and(col("_key_occurrence").gt(1))
                .and(col(ValidatedRows.OCCURRENCE).equalTo(1)));
        String sourceFile = input.sourceFile();
        return ValidatedRows.of(typed, rules, accepted -> accepted.select(
                col("customer_id"), col("signup_date"), col("country"), col("birth_date"),
                col("consent_email"), col("consent_sms"), col("consent_push"), col("opt_out"),
                lit(true).as("is_known"),
                lit(sourceFile).as("source_file"),
                lit(runId).as("run_id"),
                lit(Timestamp.from(now)).as("updated_at")), Map.of(), input, SourceEntity.CUSTOMERS, runId, now);
    }
}
