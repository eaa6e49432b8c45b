package dev.onetoone.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
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

    /** True when the column has text that does not parse as the type. */
    Column unparsable(String canonical, DataType type) {
        return text(canonical).isNotNull().and(parsed(canonical, type).isNull());
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

    /** The row as read: raw text of a malformed line, otherwise JSON of the source columns. */
    Column rawRecord() {
        Column[] fields = input.sourceColumns().stream().map(name -> col("`" + name + "`")).toArray(Column[]::new);
        return coalesce(col(RawInput.CORRUPT_RECORD), to_json(struct(fields), java.util.Map.of("ignoreNullFields", "false")));
    }

    /** Hash of the line's source values (all columns, nulls marked), equal for exact duplicate lines. */
    Column lineHash() {
        List<Column> parts = new ArrayList<>();
        for (String name : input.sourceColumns()) {
            parts.add(coalesce(col("`" + name + "`"), lit("\u0000")));
        }
        parts.add(coalesce(col(RawInput.CORRUPT_RECORD), lit("\u0000")));
        return sha2(concat_ws("\u001f", parts.toArray(Column[]::new)), 256);
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
