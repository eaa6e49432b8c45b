package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.config.ConfigException;
import dev.onetoone.io.RawInput;

/**
 * Parses the loyalty programme's event inputs, read like every other input by io.InputReader (all columns as
 * text): {@code redemptions.*} (redemption_id, customer_id, points, redemption_date; reward_id, order_id optional)
 * and {@code referrals.*} (referrer_id, referred_id, referral_date; referral_code optional). Each row gets its
 * typed values and the codes of what is wrong with it; rows with codes go to quarantine.
 */
public final class EventInputs {
    public static final String REDEMPTIONS = "redemptions";
    public static final String REFERRALS = "referrals";
    public static final List<String> KINDS = List.of(REDEMPTIONS, REFERRALS);

    private EventInputs() {
    }

    /** Typed redemptions with reason_codes (empty when clean) and raw_record. */
    public static Dataset<Row> redemptions(RawInput input) {
        require(input, REDEMPTIONS, List.of("redemption_id", "customer_id", "points", "redemption_date"));
        Column points = text(input, "points").try_cast(DataTypes.LongType);
        Column date = text(input, "redemption_date").try_cast(DataTypes.DateType);
        Dataset<Row> typed = input.rows().select(text(input, "redemption_id").as("redemption_id"), text(input, "customer_id").as("customer_id"),
                points.as("points"), date.as("redemption_date"), text(input, "reward_id").as("reward_id"), text(input, "order_id").as("order_id"),
                text(input, "points").as("points_text"), text(input, "redemption_date").as("date_text"),
                col(RawInput.CORRUPT_RECORD).isNotNull().as("malformed"), rawRecord(input).as("raw_record"));
        Column duplicate = row_number().over(Window.partitionBy("redemption_id").orderBy("raw_record")).gt(1).and(col("redemption_id").isNotNull());
        return typed.withColumn("reason_codes", reasons(Map.of(
                "malformed_line", col("malformed"),
                "missing_redemption_id", col("redemption_id").isNull(),
                "missing_customer_id", col("customer_id").isNull(),
                "bad_points", col("points").isNull().or(col("points").leq(0)),
                "unparsable_date", col("redemption_date").isNull(),
                "duplicate_redemption_id", duplicate)));
    }

    /** Typed referrals with reason_codes for the checks on the row alone (missing fields, self-referral). */
    public static Dataset<Row> referrals(RawInput input) {
        require(input, REFERRALS, List.of("referrer_id", "referred_id", "referral_date"));
        Column date = text(input, "referral_date").try_cast(DataTypes.DateType);
        Dataset<Row> typed = input.rows().select(text(input, "referrer_id").as("referrer_id"), text(input, "referred_id").as("referred_id"),
                date.as("referral_date"), text(input, "referral_code").as("referral_code"),
                col(RawInput.CORRUPT_RECORD).isNotNull().as("malformed"), rawRecord(input).as("raw_record"));
        return typed.withColumn("reason_codes", reasons(Map.of(
                "malformed_line", col("malformed"),
                "missing_referrer_id", col("referrer_id").isNull(),
                "missing_referred_id", col("referred_id").isNull(),
                "unparsable_date", col("referral_date").isNull(),
                "self_referral", col("referrer_id").equalTo(col("referred_id")))));
    }

    /** Quarantine rows for the given rows (raw_record, reason_codes); the record id is stable across reruns. */
    public static Dataset<Row> quarantine(Dataset<Row> rejected, String kind, String sourceFile, String runId, Timestamp now) {
        Column occurrence = row_number().over(Window.partitionBy("raw_record").orderBy("raw_record"));
        return rejected.withColumn("occurrence", occurrence)
                .select(sha2(concat_ws("|", lit(kind), lit(sourceFile), col("raw_record"), col("occurrence").cast("string")), 256).as("record_id"),
                        lit(runId).as("run_id"), lit(kind).as("source_kind"), lit(sourceFile).as("source_file"), col("raw_record"),
                        col("reason_codes"), concat_ws(",", col("reason_codes")).as("reasons"), lit(now).as("quarantined_at"));
    }

    public static Column clean() {
        return size(col("reason_codes")).equalTo(0);
    }

    private static void require(RawInput input, String kind, List<String> columns) {
        for (String column : columns) {
            if (!input.sourceColumns().contains(column)) {
                throw new ConfigException(kind + " input " + input.sourceFile() + " lacks required column '" + column
                        + "'; its columns are " + input.sourceColumns());
            }
        }
    }

    private static Column text(RawInput input, String column) {
        if (!input.sourceColumns().contains(column)) {
            return lit(null).cast(DataTypes.StringType);
        }
        Column trimmed = trim(col("`" + column + "`"));
        return when(trimmed.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(trimmed);
    }

    private static Column rawRecord(RawInput input) {
        Column[] fields = input.sourceColumns().stream().map(name -> col("`" + name + "`")).toArray(Column[]::new);
        return coalesce(col(RawInput.CORRUPT_RECORD), to_json(struct(fields), Map.of("ignoreNullFields", "false")));
    }

    private static Column reasons(Map<String, Column> conditions) {
        Column[] codes = new java.util.TreeMap<>(conditions).entrySet().stream()
                .map(entry -> when(coalesce(entry.getValue(), lit(false)), lit(entry.getKey())))
                .toArray(Column[]::new);
        return array_compact(array(codes));
    }
}
