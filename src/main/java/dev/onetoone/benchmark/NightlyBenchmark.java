package dev.onetoone.benchmark;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.onetoone.config.ConfigException;
import dev.onetoone.io.Tables;
import dev.onetoone.pipeline.NightlyPipeline;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.StageObserver;
import dev.onetoone.pipeline.StageResult;

/**
 * Runs the benchmark: prepares the input, runs a full night on the history and a one-day night on the extra day through
 * {@link NightlyPipeline} (the code of {@code nightly}), timing each stage, then the floor on the same files and the
 * DuckDB peer. The floor and the peer run after the nights, on a warm JVM and with the files in the page cache: the
 * floor is then at its fastest, so the ratios to it are not flattered.
 */
public final class NightlyBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(NightlyBenchmark.class);

    /** Parts that {@link Settings#skipped()} may name besides the night's stages. */
    public static final String ONE_DAY = "one-day";
    public static final String FLOOR = "floor";
    public static final String PEER = "peer";
    public static final Set<String> SKIPPABLE = Set.of("ingest", "rfm", "model", "affinity", "loyalty", "offers", ONE_DAY, FLOOR, PEER);

    /**
     * @param customers      customers to generate
     * @param workDir        where the input, the floor's table and the peer's file go
     * @param start          first day of the generated history
     * @param lastHistoryDay as-of date of the full night; the one-day night is the day after
     * @param seed           the generator's seed
     * @param skipped        parts not to run, from {@link #SKIPPABLE}
     */
    public record Settings(int customers, Path workDir, LocalDate start, LocalDate lastHistoryDay, long seed, Set<String> skipped) {
        public Settings {
            skipped = Set.copyOf(skipped);
            var unknown = new TreeSet<>(skipped);
            unknown.removeAll(SKIPPABLE);
            if (!unknown.isEmpty()) {
                throw new ConfigException("--skip-stages: unknown " + unknown + "; choose from " + new TreeSet<>(SKIPPABLE));
            }
            if (customers < 1) {
                throw new ConfigException("--customers must be at least 1, got " + customers);
            }
            if (!start.isBefore(lastHistoryDay)) {
                throw new ConfigException("--start " + start + " must be before --end " + lastHistoryDay);
            }
        }

        boolean runs(String part) {
            return !skipped.contains(part);
        }
    }

    /** What one run measured. */
    public record Result(Settings settings, BenchmarkInput input, double preparationSeconds, List<StageMeasurement> measurements,
            List<BenchmarkTargets.Check> checks) {
        /** The floor on the history, which every ratio divides by. */
        public Optional<StageMeasurement> floor() {
            return historyFloor(measurements);
        }
    }

    private final RunContext context;
    private final BenchmarkInput.Generator generator;

    /** @param generator writes the generated input the first time a size and seed are run under a work directory */
    public NightlyBenchmark(RunContext context, BenchmarkInput.Generator generator) {
        this.context = context;
        this.generator = generator;
    }

    public Result run(Settings settings) {
        return run(settings, measurement -> {
        });
    }

    /**
     * Runs the benchmark, handing each measurement to {@code onMeasured} as soon as it is taken, so that a run cut
     * short (a shared machine, a failing stage) still shows what it measured.
     */
    public Result run(Settings settings, Consumer<StageMeasurement> onMeasured) {
        var warehouse = context.warehouse();
        var spark = warehouse.spark();
        if (settings.runs("ingest") && warehouse.exists(Tables.TRANSACTIONS)) {
            throw new ConfigException("the warehouse " + warehouse.root() + " already holds transactions: give a fresh --warehouse, "
                    + "or --skip-stages ingest to time the other stages on the tables it holds");
        }
        long started = System.nanoTime();
        BenchmarkInput input = BenchmarkInput.prepare(spark, generator, settings.workDir(), settings.customers(), settings.start(),
                settings.lastHistoryDay(), settings.seed());
        double preparationSeconds = (System.nanoTime() - started) / 1e9;
        LOG.info("benchmark input: {} history lines, {} extra-day lines, prepared in {} s", input.historyLines(),
                input.extraDayLines(), preparationSeconds);

        var measurements = new ArrayList<StageMeasurement>();
        Consumer<StageMeasurement> record = measurement -> {
            measurements.add(measurement);
            onMeasured.accept(measurement);
        };
        new NightlyPipeline(context, new Timer(StageMeasurement.FULL_NIGHT, settings, record))
                .run(input.lastHistoryDay(), Optional.of(input.history().toString()));
        if (settings.runs(ONE_DAY)) {
            RunContext nextNight = RunContext.start(context.config(), warehouse, context.clock());
            new NightlyPipeline(nextNight, new Timer(StageMeasurement.ONE_DAY_NIGHT, settings, record))
                    .run(input.extraDayDate(), Optional.of(input.extraDay().toString()));
        }
        Path results = settings.workDir().resolve("results");
        if (settings.runs(FLOOR)) {
            record.accept(FloorJob.run(spark, input.history().resolve("transactions.parquet"), results.resolve("floor-history"), "history"));
            record.accept(FloorJob.run(spark, input.extraDay().resolve("transactions.parquet"), results.resolve("floor-one-day"), "one day"));
        }
        if (settings.runs(PEER)) {
            var peer = new DuckDbRfm(context.config().timeZone(), Runtime.getRuntime().availableProcessors(), "4GB");
            Path output = results.resolve("peer-rfm-" + System.currentTimeMillis() + ".parquet");
            record.accept(peer.run(input.history().resolve("transactions.parquet"), input.lastHistoryDay(), output, input.historyLines()));
        }
        return new Result(settings, input, preparationSeconds, List.copyOf(measurements),
                BenchmarkTargets.evaluate(measurements, historyFloor(measurements), settings.customers()));
    }

    private static Optional<StageMeasurement> historyFloor(List<StageMeasurement> measurements) {
        return measurements.stream().filter(m -> m.part().equals(StageMeasurement.FLOOR) && m.stage().equals("history")).findFirst();
    }

    /** Times each stage of one night and measures its peak heap; skips the stages the settings name. */
    private static final class Timer implements StageObserver {
        private final String part;
        private final Settings settings;
        private final Consumer<StageMeasurement> record;
        private long startedNanos;

        Timer(String part, Settings settings, Consumer<StageMeasurement> record) {
            this.part = part;
            this.settings = settings;
            this.record = record;
        }

        @Override
        public boolean shouldRun(String stage) {
            return settings.runs(stage.startsWith("ingest_") ? "ingest" : stage);
        }

        @Override
        public void beforeStage(String stage, LocalDate asOf) {
            HeapPeak.reset();
            startedNanos = System.nanoTime();
        }

        @Override
        public void afterStage(String stage, LocalDate asOf, StageResult result) {
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            long rowsIn = result == null ? 0 : result.rowsIn();
            long rowsOut = result == null ? 0 : result.rowsOut();
            record.accept(new StageMeasurement(part, stage, seconds, rowsIn, rowsOut, HeapPeak.peakBytes(),
                    StageMeasurement.currentLoadAverage()));
            LOG.info("benchmark {} {}: {} s", part, stage, seconds);
        }
    }
}
