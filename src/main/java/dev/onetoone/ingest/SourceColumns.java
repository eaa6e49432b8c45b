package dev.onetoone.ingest;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.unhex;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.config.ColumnMapping;
import dev.onetoone.config.ConfigException;
import dev.onetoone.io.RawInput;

/**
 * Column expressions over one raw input under a column mapping: the text of each canonical column, typed parsers
 * that yield null instead of failing, the raw record for quarantine and a hash that identifies a line. Shared by
 * the transaction, customer and product validators.
 */
final class SourceColumns {
    private final RawInput input;
    private final ColumnMapping mapping;

    SourceColumns(RawInput input, ColumnMapping mapping) {
        this.input = input;
        this.mapping = mapping;
        for (String required : mapping.entity().requiredColumns()) {
            if (!has(required)) {
                throw missingColumn(required);
            }
        }
    }

    ConfigException missingColumn(String canonical) {
        String source = mapping.sourceName(canonical);
        String mapped = source.equals(canonical) ? "" : " (mapped from source column '" + source + "')";
        return new ConfigException(mapping.entity().key() + " input " + input.sourceFile() + " lacks required column '"
                + canonical + "'" + mapped + "; its columns are " + input.sourceColumns()
                + "; set mapping." + mapping.entity().key() + "." + canonical + "=<source column> if it has another name");
    }

    boolean has(String canonical) {
        return input.sourceColumns().contains(mapping.sourceName(canonical));
    }

    /** Trimmed text of the column; null when absent from the file or empty. */
    Column text(String canonical) {
        if (!has(canonical)) {
            return lit(null).cast(DataTypes.StringType);
        }
        Column trimmed = trim(col("`" + mapping.sourceName(canonical) + "`"));
        return when(trimmed.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(trimmed);
    }

    /** The value parsed as the given type, null when absent or unparsable. */
    Column parsed(String canonical, DataType type) {
        return text(canonical).try_cast(type);
    }

    /** The value as a double, NaN and infinities included; null when absent or not a number. */
    Column number(String canonical) {
        return parsed(canonical, DataTypes.DoubleType);
    }

    /**
     * True when the column has text that is not a number of the type at all. A number that is non-finite
     * ({@link #nonFinite}) or too large for the type ({@link #outOfRange}) is not unparsable: it has its own
     * reason, so that every text present but not stored gets exactly one of the three.
     */
    Column unparsable(String canonical, DataType type) {
        return text(canonical).isNotNull().and(parsed(canonical, type).isNull()).and(number(canonical).isNull());
    }

    /** True for NaN, Infinity or -Infinity. */
    Column nonFinite(String canonical) {
        return nonFinite(number(canonical));
    }

    static Column nonFinite(Column value) {
        return value.isNotNull().and(isnan(value).or(abs(value).equalTo(lit(Double.POSITIVE_INFINITY))));
    }

    /** True for a finite number that the type cannot hold (e.g. 1e30 for decimal(18, 4)). */
    Column outOfRange(String canonical, DataType type) {
        return number(canonical).isNotNull().and(nonFinite(canonical).unary_$bang()).and(parsed(canonical, type).isNull());
    }

    /**
     * The customer id without invisible format characters (Unicode category Cf: zero-width space and joiners, byte
     * order mark, soft hyphen), trimmed; null when nothing is left. {@code G01} followed by U+200B and {@code G01} are one
     * customer.
     */
    Column customerId() {
        Column visible = trim(regexp_replace(text("customer_id"), "\\p{Cf}", ""));
        return when(visible.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(visible);
    }

    /**
     * True for an id that holds a control character, or starts with a character that makes a spreadsheet read the
     * cell as a formula ({@code = + - @}, see OWASP "CSV Injection"): such an id is quarantined rather than guessed
     * at, and never reaches an export.
     */
    static Column invalidId(Column id) {
        return id.rlike("\\p{Cc}").or(id.rlike("^[=+@-]"));
    }

    /** The first of the formats that parses the text, as a timestamp in the session time zone. */
    static Column timestamp(Column text, List<String> formats) {
        Column[] attempts = formats.stream().map(format -> try_to_timestamp(text, lit(format))).toArray(Column[]::new);
        return attempts.length == 1 ? attempts[0] : coalesce(attempts);
    }

    /** true/false/yes/no/y/n/1/0 in any case; null for anything else. */
    static Column bool(Column text) {
        Column lowered = lower(text);
        return when(lowered.isin("true", "yes", "y", "1", "t"), lit(true))
                .when(lowered.isin("false", "no", "n", "0", "f"), lit(false))
                .otherwise(lit(null).cast(DataTypes.BooleanType));
    }

    Column malformed() {
        return col(RawInput.CORRUPT_RECORD).isNotNull();
    }

    /**
     * Hex SHA-256 of the line's source values (all columns, nulls marked), equal for exact duplicate lines. The
     * columns are the source columns in file order followed by the raw text of a malformed line.
     */
    static Column lineHash(List<Column> sourceValues) {
        List<Column> parts = new ArrayList<>();
        for (Column value : sourceValues) {
            parts.add(coalesce(value, lit("\u0000")));
        }
        return sha2(concat_ws("\u001f", parts.toArray(Column[]::new)), 256);
    }

    /** The file's source values in the order {@link #lineHash} takes them. */
    List<Column> sourceValues() {
        List<Column> values = new ArrayList<>();
        for (String name : input.sourceColumns()) {
            values.add(col("`" + name + "`"));
        }
        values.add(col(RawInput.CORRUPT_RECORD));
        return values;
    }

    /**
     * The line key: the first 16 bytes of {@link #lineHash} as binary. 128 bits keep collisions out of reach (about
     * n^2 / 2^129 for n lines) at a quarter of the 64-character hex string's size, and derive from the old key
     * ({@code substring(unhex(line_id), 1, 16)}), so stored lines can be converted without their source.
     */
    Column lineKey() {
        return substring(unhex(lineHash(sourceValues())), 1, 16);
    }

    /** Array of the codes whose condition holds (empty array for a clean row). */
    static Column reasons(Map<String, Column> conditionsByCode) {
        Column[] codes = conditionsByCode.entrySet().stream()
                .map(entry -> when(coalesce(entry.getValue(), lit(false)), lit(entry.getKey())))
                .toArray(Column[]::new);
        return array_compact(array(codes));
    }

    /** Ordered map for readable rule lists. */
    static Map<String, Column> rules() {
        return new LinkedHashMap<>();
    }
}
