package dev.onetoone.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

import scala.jdk.javaapi.CollectionConverters;

/**
 * Compares two tables keyed by customer_id column by column: doubles (also inside maps) within a tolerance, the rest
 * exactly. Used to show that an incrementally folded result equals a full rebuild.
 */
public final class StateComparison {
    private StateComparison() {
    }

    /** Rows by customer_id. */
    public static Map<String, Row> byCustomer(Dataset<Row> rows) {
        Map<String, Row> result = new HashMap<>();
        for (Row row : rows.collectAsList()) {
            result.put(row.getAs("customer_id"), row);
        }
        return result;
    }

    /** Asserts that both have the same customers and, for each of {@code columns}, equal values. */
    public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual, List<String> columns, double tolerance) {
        Map<String, Row> left = byCustomer(expected);
        Map<String, Row> right = byCustomer(actual);
        assertEquals(left.keySet(), right.keySet(), "customers");
        for (var entry : left.entrySet()) {
            Row a = entry.getValue();
            Row b = right.get(entry.getKey());
            for (String column : columns) {
                assertSameValue(a.get(a.fieldIndex(column)), b.get(b.fieldIndex(column)), tolerance,
                        column + " of customer " + entry.getKey());
            }
        }
    }

    /** Every column of {@code expected}'s schema. */
    public static List<String> columns(Dataset<Row> expected) {
        return java.util.Arrays.stream(expected.schema().fields()).map(StructField::name).toList();
    }

    @SuppressWarnings("unchecked")
    private static void assertSameValue(Object a, Object b, double tolerance, String what) {
        if (a instanceof Double x && b instanceof Double y) {
            assertTrue(Double.isFinite(x) && Double.isFinite(y), what + ": " + x + " and " + y);
            assertEquals(x, y, tolerance * Math.max(1.0, Math.abs(x)), what);
        } else if (a instanceof scala.collection.Map<?, ?> x && b instanceof scala.collection.Map<?, ?> y) {
            Map<Object, Object> left = CollectionConverters.asJava((scala.collection.Map<Object, Object>) x);
            Map<Object, Object> right = CollectionConverters.asJava((scala.collection.Map<Object, Object>) y);
            assertEquals(left.keySet(), right.keySet(), what + " keys");
            for (Object key : left.keySet()) {
                assertSameValue(left.get(key), right.get(key), tolerance, what + "[" + key + "]");
            }
        } else if (a instanceof scala.collection.Seq<?> x && b instanceof scala.collection.Seq<?> y) {
            assertEquals(CollectionConverters.asJava(x), CollectionConverters.asJava(y), what);
        } else {
            assertEquals(a, b, what);
        }
    }
}
