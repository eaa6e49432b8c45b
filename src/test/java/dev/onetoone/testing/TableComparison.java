package dev.onetoone.testing;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.map_values;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * Compares one table written by two runs of the same night, row by row on its key, in one aggregation on the
 * executors (nothing per customer reaches the driver). Columns that name the run or the wall clock are left out;
 * doubles may differ by a relative tolerance, since a sum's last bits depend on the order its partitions arrive in;
 * maps are compared by their keys and the sum of their values. The result names every column that differs.
 */
public final class TableComparison {
    /** Columns that differ between two runs by design: the run id and timestamps of the wall clock. */
    public static final Set<String> RUN_COLUMNS = Set.of("run_id", "ingested_at", "updated_at", "quarantined_at",
            "computed_at", "state_updated_at", "evaluated_at", "started_at", "ended_at", "duration_seconds", "wall_seconds");

    private TableComparison() {
    }

    /**
     * Row counts of both sides, rows whose key is on one side only, and per column the rows that differ (for doubles:
     * beyond {@code tolerance} relative to the larger magnitude, or 1 absolute below 1).
     */
    public record Result(long expectedRows, long actualRows, long unmatchedRows, Map<String, Long> differingRows) {
        public boolean equal() {
            return expectedRows == actualRows && unmatchedRows == 0 && differingRows.values().stream().allMatch(count -> count == 0);
        }

        public Map<String, Long> differences() {
            var differences = new LinkedHashMap<String, Long>();
            differingRows.forEach((column, count) -> {
                if (count > 0) {
                    differences.put(column, count);
                }
            });
            return differences;
        }
    }

    public static Result compare(Dataset<Row> expected, Dataset<Row> actual, List<String> keys, double tolerance) {
        Column joinCondition = lit(true);
        for (String key : keys) {
            joinCondition = joinCondition.and(col("expected." + key).eqNullSafe(col("actual." + key)));
        }
        var joined = expected.withColumn("_expected_side", lit(1)).alias("expected")
                .join(actual.withColumn("_actual_side", lit(1)).alias("actual"), joinCondition, "full_outer");

        List<Column> aggregates = new ArrayList<>();
        List<String> compared = new ArrayList<>();
        aggregates.add(sum(when(col("expected._expected_side").isNull().or(col("actual._actual_side").isNull()), 1).otherwise(0)).as("_unmatched"));
        for (StructField field : expected.schema().fields()) {
            String name = field.name();
            if (RUN_COLUMNS.contains(name) || keys.contains(name)) {
                continue;
            }
            Column differs = differs(field.dataType(), col("expected." + name), col("actual." + name), tolerance);
            // Unmatched rows are counted once, in _unmatched, not again per column.
            Column matched = col("expected._expected_side").isNotNull().and(col("actual._actual_side").isNotNull());
            aggregates.add(sum(when(matched.and(differs), 1).otherwise(0)).as(name));
            compared.add(name);
        }
        Row totals = joined.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
        var differing = new LinkedHashMap<String, Long>();
        for (String name : compared) {
            differing.put(name, totals.isNullAt(totals.fieldIndex(name)) ? 0L : totals.getLong(totals.fieldIndex(name)));
        }
        long unmatched = totals.isNullAt(0) ? 0L : totals.getLong(0);
        return new Result(expected.count(), actual.count(), unmatched, differing);
    }

    private static Column differs(DataType type, Column expected, Column actual, double tolerance) {
        if (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType)) {
            return numbersDiffer(expected, actual, tolerance);
        }
        if (type instanceof MapType map) {
            Column keysDiffer = array_sort(map_keys(expected)).eqNullSafe(array_sort(map_keys(actual))).unary_$bang();
            if (map.valueType().equals(DataTypes.DoubleType)) {
                return keysDiffer.or(numbersDiffer(valueSum(expected), valueSum(actual), tolerance));
            }
            return keysDiffer.or(array_sort(map_values(expected)).eqNullSafe(array_sort(map_values(actual))).unary_$bang());
        }
        return expected.eqNullSafe(actual).unary_$bang();
    }

    private static Column valueSum(Column map) {
        return aggregate(map_values(map), lit(0.0), (total, value) -> total.plus(coalesce(value, lit(0.0))));
    }

    private static Column numbersDiffer(Column expected, Column actual, double tolerance) {
        Column scale = greatest(lit(1.0), abs(expected), abs(actual));
        Column bothNull = expected.isNull().and(actual.isNull());
        Column oneNull = expected.isNull().or(actual.isNull());
        return when(bothNull, false).when(oneNull, true).otherwise(abs(expected.minus(actual)).gt(scale.multiply(tolerance)));
    }
}
