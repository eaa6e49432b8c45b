package dev.onetoone.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.onetoone.benchmark.BenchmarkTargets.Check;
import dev.onetoone.benchmark.BenchmarkTargets.Verdict;

class BenchmarkTargetsTest {
    private static StageMeasurement stage(String part, String name, double seconds) {
        return new StageMeasurement(part, name, seconds, 0, 0, 0, 1.0);
    }

    private static List<StageMeasurement> night(String part, double products, double customers, double transactions,
            double rfm, double model, double affinity, double offers) {
        return List.of(stage(part, "ingest_products", products), stage(part, "ingest_customers", customers),
                stage(part, "ingest_transactions", transactions), stage(part, "rfm", rfm), stage(part, "model", model),
                stage(part, "affinity", affinity), stage(part, "offers", offers));
    }

    private static Map<String, Check> byWhat(List<Check> checks) {
        return checks.stream().collect(Collectors.toMap(Check::what, Function.identity()));
    }

    @Test
    void ingestIsItsThreeStagesAndEachRatioDividesByTheHistoryFloor() {
        var measurements = new ArrayList<StageMeasurement>();
        // ingest 1 + 2 + 27 = 30 s against a 10 s floor: 3.0x, on the limit, so met.
        // rfm 14 s: 1.4x > 1.3x, missed. model 25 s: 2.5x, met.
        measurements.addAll(night(StageMeasurement.FULL_NIGHT, 1, 2, 27, 14, 25, 40, 5));
        measurements.addAll(night(StageMeasurement.ONE_DAY_NIGHT, 0.5, 0.5, 1, 1, 2, 3, 1));
        Optional<StageMeasurement> floor = Optional.of(stage(StageMeasurement.FLOOR, "history", 10));
        Map<String, Check> checks = byWhat(BenchmarkTargets.evaluate(measurements, floor, 100_000));

        assertEquals(30.0, BenchmarkTargets.secondsByGroup(measurements, StageMeasurement.FULL_NIGHT).get("ingest"), 1e-9);
        assertEquals(List.of("ingest", "rfm", "model", "affinity", "offers"),
                List.copyOf(BenchmarkTargets.secondsByGroup(measurements, StageMeasurement.FULL_NIGHT).keySet()));
        assertEquals(Verdict.MET, checks.get("ingest, full night, / floor").verdict());
        assertEquals("3.00x", checks.get("ingest, full night, / floor").measured());
        assertEquals(Verdict.MISSED, checks.get("rfm, full night, / floor").verdict());
        assertEquals("1.40x", checks.get("rfm, full night, / floor").measured());
        assertEquals(Verdict.MET, checks.get("model, full night, / floor").verdict());
        // full night 1+2+27+14+25+40+5 = 114 s; one-day night 0.5+0.5+1+1+2+3+1 = 9 s, 7.9% of it
        assertEquals("114.0 s", checks.get("full night, all five stages").measured());
        assertEquals(Verdict.MET, checks.get("full night, all five stages").verdict());
        assertEquals("9.0 s", checks.get("one-day night").measured());
        assertEquals("7.9%", checks.get("one-day night / full night").measured());
        assertEquals(Verdict.MET, checks.get("one-day night / full night").verdict());
        assertEquals(Verdict.NOT_MEASURED, checks.get("growth 10k -> 100k -> 1M").verdict());
    }

    @Test
    void aOneDayNightAboveTenPercentOrNinetySecondsMissesItsTargets() {
        var measurements = new ArrayList<StageMeasurement>();
        measurements.addAll(night(StageMeasurement.FULL_NIGHT, 10, 10, 200, 50, 300, 400, 30));
        measurements.addAll(night(StageMeasurement.ONE_DAY_NIGHT, 5, 5, 20, 40, 200, 300, 30));
        Map<String, Check> checks = byWhat(BenchmarkTargets.evaluate(measurements, Optional.empty(), 1_000_000));

        // full night 1000 s > 900 s; one-day 600 s > 90 s and 60% of the full night
        assertEquals(Verdict.MISSED, checks.get("full night, all five stages").verdict());
        assertEquals(Verdict.MISSED, checks.get("one-day night").verdict());
        assertEquals("60.0%", checks.get("one-day night / full night").measured());
        assertEquals(Verdict.MISSED, checks.get("one-day night / full night").verdict());
        assertEquals(Verdict.NOT_MEASURED, checks.get("ingest, full night, / floor").verdict(), "no floor, no ratio");
    }

    @Test
    void aNightWithASkippedStageHasNoTotal() {
        var measurements = new ArrayList<>(night(StageMeasurement.FULL_NIGHT, 1, 1, 1, 1, 1, 1, 1));
        measurements.removeIf(measurement -> measurement.stage().equals("affinity"));
        Optional<StageMeasurement> floor = Optional.of(stage(StageMeasurement.FLOOR, "history", 2));
        Map<String, Check> checks = byWhat(BenchmarkTargets.evaluate(measurements, floor, 10_000));

        assertEquals(Optional.empty(), BenchmarkTargets.nightSeconds(measurements, StageMeasurement.FULL_NIGHT));
        assertEquals(Verdict.NOT_MEASURED, checks.get("full night, all five stages").verdict());
        assertEquals(Verdict.NOT_MEASURED, checks.get("one-day night").verdict());
        assertEquals("1.50x", checks.get("ingest, full night, / floor").measured(), "3 s of ingest over a 2 s floor");
    }

    @Test
    void aFloorOfNoTimeGivesNoRatio() {
        assertEquals(Optional.empty(), BenchmarkTargets.ratio(5, Optional.of(stage(StageMeasurement.FLOOR, "history", 0))));
        assertEquals(2.5, BenchmarkTargets.ratio(5, Optional.of(stage(StageMeasurement.FLOOR, "history", 2))).orElseThrow(), 1e-12);
    }
}
