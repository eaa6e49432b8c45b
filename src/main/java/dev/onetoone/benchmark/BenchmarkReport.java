package dev.onetoone.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The benchmark's result as lines of text: the stage table with ratios to the floor, then the targets. */
public final class BenchmarkReport {
    private static final double MIB = 1024.0 * 1024.0;
    private static final String ROW = "%-14s %-20s %9s %12s %12s %10s %9s %6s";

    private BenchmarkReport() {
    }

    public static List<String> lines(NightlyBenchmark.Result result, String machine) {
        var settings = result.settings();
        var input = result.input();
        var lines = new ArrayList<String>();
        lines.add(String.format(Locale.ROOT, "nightly benchmark: %,d customers, seed %d; history %s to %s, %,d lines; "
                        + "extra day %s, %,d lines (1/%.0f of the history)",
                settings.customers(), settings.seed(), settings.start(), input.lastHistoryDay(), input.historyLines(),
                input.extraDayDate(), input.extraDayLines(), input.extraDayLines() == 0 ? 0.0 : (double) input.historyLines() / input.extraDayLines()));
        lines.add(machine);
        lines.add(String.format(Locale.ROOT, "input prepared in %.1f s (generation and Parquet split; in no figure below)", result.preparationSeconds()));
        lines.add("");
        lines.add("load: the machine's one-minute load average as the step ended; above the core count, other processes shared the cores");
        lines.add(String.format(Locale.ROOT, ROW, "part", "stage", "seconds", "rows in", "rows out", "peak MiB", "x floor", "load"));
        Optional<StageMeasurement> floor = result.floor();
        String part = null;
        double partSeconds = 0;
        for (StageMeasurement measurement : result.measurements()) {
            if (part != null && !part.equals(measurement.part())) {
                addTotal(lines, part, partSeconds, floor);
                partSeconds = 0;
            }
            part = measurement.part();
            partSeconds += measurement.seconds();
            lines.add(String.format(Locale.ROOT, ROW, measurement.part(), measurement.stage(), seconds(measurement.seconds()),
                    String.format(Locale.ROOT, "%,d", measurement.rowsIn()), String.format(Locale.ROOT, "%,d", measurement.rowsOut()),
                    String.format(Locale.ROOT, "%,.0f", measurement.peakHeapBytes() / MIB), ratio(measurement.seconds(), floor),
                    String.format(Locale.ROOT, "%.1f", measurement.loadAverage())));
        }
        if (part != null) {
            addTotal(lines, part, partSeconds, floor);
        }
        lines.add("");
        lines.add("stage (ingest = its three stages) against the floor:");
        for (String night : List.of(StageMeasurement.FULL_NIGHT, StageMeasurement.ONE_DAY_NIGHT)) {
            Map<String, Double> groups = BenchmarkTargets.secondsByGroup(result.measurements(), night);
            if (!groups.isEmpty()) {
                var cells = new ArrayList<String>();
                groups.forEach((stage, seconds) -> cells.add(stage + " " + seconds(seconds) + " s (" + ratio(seconds, floor) + ")"));
                lines.add(String.format(Locale.ROOT, "  %-14s %s", night, String.join(", ", cells)));
            }
        }
        Optional<Double> sparkRfm = Optional.ofNullable(BenchmarkTargets.secondsByGroup(result.measurements(), StageMeasurement.FULL_NIGHT).get("rfm"));
        result.measurements().stream().filter(m -> m.part().equals(StageMeasurement.PEER)).findFirst().ifPresent(peer -> lines.add(
                String.format(Locale.ROOT, "  peer: DuckDB RFM %s s%s", seconds(peer.seconds()), sparkRfm
                        .map(spark -> String.format(Locale.ROOT, "; the rfm stage takes %.1fx as long", spark / peer.seconds())).orElse(""))));
        lines.add("");
        lines.add("targets:");
        for (BenchmarkTargets.Check check : result.checks()) {
            lines.add(String.format(Locale.ROOT, "  %-12s %-34s %-12s %s", verdict(check.verdict()), check.what(), check.measured(), check.target()));
        }
        return lines;
    }

    /** One measurement as it is taken, before the floor is known. */
    public static String progress(StageMeasurement measurement) {
        return String.format(Locale.ROOT, "measured %s, %s: %s s, %,d rows in, %,d rows out, peak heap %,.0f MiB, load %.1f",
                measurement.part(), measurement.stage(), seconds(measurement.seconds()), measurement.rowsIn(), measurement.rowsOut(),
                measurement.peakHeapBytes() / MIB, measurement.loadAverage());
    }

    private static void addTotal(List<String> lines, String part, double seconds, Optional<StageMeasurement> floor) {
        if (part.equals(StageMeasurement.FULL_NIGHT) || part.equals(StageMeasurement.ONE_DAY_NIGHT)) {
            lines.add(String.format(Locale.ROOT, ROW, part, "total", seconds(seconds), "", "", "", ratio(seconds, floor), ""));
        }
    }

    private static String verdict(BenchmarkTargets.Verdict verdict) {
        return switch (verdict) {
            case MET -> "met";
            case MISSED -> "MISSED";
            case NOT_MEASURED -> "not measured";
        };
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String ratio(double seconds, Optional<StageMeasurement> floor) {
        return BenchmarkTargets.ratio(seconds, floor).map(value -> String.format(Locale.ROOT, "%.2fx", value)).orElse("-");
    }
}
