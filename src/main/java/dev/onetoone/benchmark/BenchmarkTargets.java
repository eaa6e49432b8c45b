package dev.onetoone.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The nightly job's performance targets (2 cores, 24 GB, local mode, driver heap at most 12 GB) and their check
 * against one benchmark run. Times are wall seconds; a stage's ratio is its time over the floor's time on the same
 * history. The wall-time targets are set for 1M customers: at a smaller size a met target says little, a missed one
 * is missed for certain. Growth from size to size needs runs at two sizes and is read from docs/BENCHMARKS.md.
 */
public final class BenchmarkTargets {
    /** The five stages of a full night, as {@link StageMeasurement#group()} names them. */
    public static final List<String> NIGHT_STAGES = List.of("ingest", "rfm", "model", "affinity", "offers");
    public static final double FULL_NIGHT_SECONDS = 15 * 60;
    public static final double ONE_DAY_SECONDS = 90;
    public static final double ONE_DAY_SHARE_OF_FULL = 0.10;
    public static final double INGEST_RATIO = 3.0;
    public static final double RFM_RATIO = 1.3;
    public static final double MODEL_RATIO = 3.0;
    public static final int TARGET_CUSTOMERS = 1_000_000;

    public enum Verdict { MET, MISSED, NOT_MEASURED }

    /** One target, what was measured against it and the verdict. */
    public record Check(String what, String target, String measured, Verdict verdict) {
    }

    private BenchmarkTargets() {
    }

    /** Seconds per stage group of one part ("ingest" sums its three stages), in the order the stages ran. */
    public static Map<String, Double> secondsByGroup(List<StageMeasurement> measurements, String part) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (StageMeasurement measurement : measurements) {
            if (measurement.part().equals(part)) {
                seconds.merge(measurement.group(), measurement.seconds(), Double::sum);
            }
        }
        return seconds;
    }

    /** A night's time: the sum of its stages, when all five ran. */
    public static Optional<Double> nightSeconds(List<StageMeasurement> measurements, String part) {
        Map<String, Double> seconds = secondsByGroup(measurements, part);
        if (!seconds.keySet().containsAll(NIGHT_STAGES)) {
            return Optional.empty();
        }
        return Optional.of(seconds.values().stream().mapToDouble(Double::doubleValue).sum());
    }

    /** Time over the floor's; empty without a floor or with a floor of no time. */
    public static Optional<Double> ratio(double seconds, Optional<StageMeasurement> floor) {
        return floor.filter(measured -> measured.seconds() > 0).map(measured -> seconds / measured.seconds());
    }

    public static List<Check> evaluate(List<StageMeasurement> measurements, Optional<StageMeasurement> floor, int customers) {
        var checks = new ArrayList<Check>();
        String sizeNote = customers < TARGET_CUSTOMERS ? " (target set for 1M customers; this run has " + customers + ")" : "";
        Optional<Double> full = nightSeconds(measurements, StageMeasurement.FULL_NIGHT);
        Optional<Double> oneDay = nightSeconds(measurements, StageMeasurement.ONE_DAY_NIGHT);
        checks.add(atMost("full night, all five stages", "<= " + seconds(FULL_NIGHT_SECONDS) + sizeNote, full, FULL_NIGHT_SECONDS));
        checks.add(atMost("one-day night", "<= " + seconds(ONE_DAY_SECONDS) + sizeNote, oneDay, ONE_DAY_SECONDS));
        Optional<Double> share = full.isPresent() && oneDay.isPresent() && full.get() > 0
                ? Optional.of(oneDay.get() / full.get()) : Optional.empty();
        checks.add(share.map(value -> new Check("one-day night / full night", "<= 10%", percent(value),
                        value <= ONE_DAY_SHARE_OF_FULL ? Verdict.MET : Verdict.MISSED))
                .orElse(notMeasured("one-day night / full night", "<= 10%")));
        Map<String, Double> fullStages = secondsByGroup(measurements, StageMeasurement.FULL_NIGHT);
        checks.add(stageRatio("ingest", INGEST_RATIO, fullStages, floor));
        checks.add(stageRatio("rfm", RFM_RATIO, fullStages, floor));
        checks.add(stageRatio("model", MODEL_RATIO, fullStages, floor));
        checks.add(notMeasured("growth 10k -> 100k -> 1M", "each stage within 1.3x of linear in lines (needs runs at each size)"));
        return checks;
    }

    private static Check stageRatio(String stage, double limit, Map<String, Double> fullStages, Optional<StageMeasurement> floor) {
        String what = stage + ", full night, / floor";
        String target = String.format(Locale.ROOT, "<= %.1fx", limit);
        Optional<Double> ratio = Optional.ofNullable(fullStages.get(stage)).flatMap(seconds -> ratio(seconds, floor));
        return ratio.map(value -> new Check(what, target, String.format(Locale.ROOT, "%.2fx", value),
                value <= limit ? Verdict.MET : Verdict.MISSED)).orElse(notMeasured(what, target));
    }

    private static Check atMost(String what, String target, Optional<Double> measured, double limit) {
        return measured.map(value -> new Check(what, target, seconds(value), value <= limit ? Verdict.MET : Verdict.MISSED))
                .orElse(notMeasured(what, target));
    }

    private static Check notMeasured(String what, String target) {
        return new Check(what, target, "-", Verdict.NOT_MEASURED);
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.1f s", value);
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * value);
    }
}
