package dev.onetoone.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.testing.SparkTestSupport;

/**
 * Auto compaction of a table written by {@link Warehouse#insertNewOnDates}: a night's small file is folded into the
 * other small files, and the history's date-clustered files are left alone, so a one-day night neither piles up
 * files nor rewrites the history (and the history keeps the short date ranges its MERGE skips by).
 */
class WarehouseCompactionTest extends SparkTestSupport {
    private static final String MIN_NUM_FILES = "spark.databricks.delta.autoCompact.minNumFiles";
    private static final TableSpec LINES = new TableSpec.Builder("lines", "test lines")
            .required("line_id", DataTypes.LongType, "key")
            .required("purchase_date", DataTypes.DateType, "date")
            .column("amount", DataTypes.DoubleType, "amount")
            .keyedBy("line_id")
            .build();
    private static final LocalDate START = LocalDate.parse("2025-01-01");

    @Test
    void aNightsSmallFileIsCompactedWithoutRewritingTheClusteredHistory(@TempDir Path directory) {
        var warehouse = new Warehouse(spark(), directory.toString());
        int historyDays = 300;
        assertEquals(50_000, warehouse.insertNewOnDates(LINES, lines(0, 50_000, 0, historyDays), "purchase_date",
                dates(0, historyDays)));
        Map<String, Long> history = files(warehouse);
        assertEquals(1, history.size(), "the history is written as one clustered file: " + history);
        long historyBytes = history.values().iterator().next();

        // Files below half the history file's size are small, and three small files are enough to compact (Delta's
        // default is 50), so that a few nights show it. The history file is not small, as a clustered file of
        // transactions is not with the session's default (SparkSessions).
        var settings = Map.of(SparkSessions.AUTO_COMPACT_MIN_FILE_SIZE, Long.toString(historyBytes / 2), MIN_NUM_FILES, "3");
        var before = new java.util.HashMap<String, String>();
        settings.forEach((key, value) -> {
            before.put(key, spark().conf().get(key, null));
            spark().conf().set(key, value);
        });
        int nights = 4;
        try {
            Map<String, Long> previous = history;
            for (int night = 0; night < nights; night++) {
                long first = 1_000_000L + night * 100L;
                warehouse.insertNewOnDates(LINES, lines(first, first + 100, historyDays + night, 1), "purchase_date",
                        dates(historyDays + night, 1));
                Map<String, Long> now = files(warehouse);
                assertTrue(now.keySet().containsAll(history.keySet()), "night " + night + " kept the history's file: " + now);
                assertTrue(now.size() <= 3, "night " + night + ": the nights' small files do not pile up: " + now);
                previous = now;
            }
            assertEquals(2, previous.size(), "after the last compaction, the history's file and one of the nights': " + previous);
        } finally {
            before.forEach((key, value) -> {
                if (value == null) {
                    spark().conf().unset(key);
                } else {
                    spark().conf().set(key, value);
                }
            });
        }
        assertEquals(50_000 + nights * 100, warehouse.read(LINES).count());
        long compactions = spark().sql("DESCRIBE HISTORY " + warehouse.sqlName(LINES)).where("operation = 'OPTIMIZE'").count();
        assertTrue(compactions >= 1, "the small files were compacted at least once");
    }

    /** Lines {@code first} to {@code end - 1}, spread over {@code days} days from {@code START + fromDay}. */
    private static org.apache.spark.sql.Dataset<Row> lines(long first, long end, int fromDay, int days) {
        return spark().range(first, end)
                .select(col("id").as("line_id"),
                        date_add(to_date(lit(START.toString())), lit(fromDay).plus(col("id").mod(days)).cast("int")).as("purchase_date"),
                        col("id").mod(97).cast("double").as("amount"));
    }

    private static List<LocalDate> dates(int fromDay, int days) {
        return IntStream.range(fromDay, fromDay + days).mapToObj(START::plusDays).toList();
    }

    /** The table's current data files and their sizes. */
    private static Map<String, Long> files(Warehouse warehouse) {
        return Set.of(warehouse.read(LINES).inputFiles()).stream()
                .collect(Collectors.toMap(file -> file, file -> new java.io.File(java.net.URI.create(file)).length()));
    }
}
