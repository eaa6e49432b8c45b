package dev.onetoone.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class BenchmarkInputTest extends SparkTestSupport {
    private static final LocalDate LAST_HISTORY_DAY = LocalDate.of(2025, 12, 30);
    private static final StructType SCHEMA = new StructType().add("line", DataTypes.StringType).add("ts", DataTypes.TimestampType);

    private static Row line(String name, String instant) {
        return RowFactory.create(name, Timestamp.from(Instant.parse(instant)));
    }

    private static List<String> names(Dataset<Row> lines) {
        return lines.orderBy("line").collectAsList().stream().map(row -> row.getString(0)).toList();
    }

    @Test
    void theExtraDayIsExactlyTheDayAfterTheHistoryByPurchaseDay() {
        // Instants in UTC, the configured time zone of purchase days (and of the test session).
        Dataset<Row> lines = spark().createDataFrame(List.of(
                line("a_first_day", "2024-01-01T08:00:00Z"),
                line("b_last_history_second", "2025-12-30T23:59:59Z"),
                line("c_extra_midnight", "2025-12-31T00:00:00Z"),
                line("d_extra_evening", "2025-12-31T22:10:00Z"),
                line("e_after_extra_day", "2026-01-01T00:00:00Z")), SCHEMA);

        assertEquals(List.of("a_first_day", "b_last_history_second"), names(BenchmarkInput.historyPart(lines, LAST_HISTORY_DAY)));
        assertEquals(List.of("c_extra_midnight", "d_extra_evening"), names(BenchmarkInput.extraDayPart(lines, LAST_HISTORY_DAY)));
    }
}
