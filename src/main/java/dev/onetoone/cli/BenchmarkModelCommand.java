package dev.onetoone.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Row;

import dev.onetoone.benchmark.HeapPeak;
import dev.onetoone.generate.GeneratorConfig;
import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.io.Tables;
import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.ModelRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "benchmark-model", mixinStandardHelpOptions = true,
        description = {"Benchmark of the model stage: generate N customers, ingest them, model the night before the end "
                + "(full state build and fits) and the last night (incremental fold, refit), printing wall time per step "
                + "and the peak JVM heap. In local mode the driver JVM also runs the executors, so the heap covers both.",
                "Use a fresh --warehouse; the generated files go to --work-dir."})
final class BenchmarkModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--customers", defaultValue = "1000000", paramLabel = "N", description = "Customers to generate (default ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = "--work-dir", required = true, paramLabel = "DIR", description = "Where the generated input goes.")
    Path workDir;

    @Option(names = "--start", defaultValue = "2024-01-01", paramLabel = "DATE")
    LocalDate start;

    @Option(names = "--end", defaultValue = "2025-12-31", paramLabel = "DATE")
    LocalDate end;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var lines = new ArrayList<String>();
        Path input = Files.createDirectories(workDir.resolve("input"));
        long started = System.nanoTime();
        var generated = new SyntheticDataGenerator(GeneratorConfig.of(customers, start, end, 42)).generate(input);
        lines.add(step("generate", started, generated.transactionLines() + " transaction lines"));

        var context = CommandContext.start(common, "benchmark-model");
        started = System.nanoTime();
        new IngestRunner(context, new RunLog(context)).ingest(IngestRequest.fromInput(input.toString()), null, end);
        lines.add(step("ingest", started, context.warehouse().read(Tables.TRANSACTIONS).count() + " lines loaded"));

        started = System.nanoTime();
        var first = new ModelRunner(context, new RunLog(context)).run(end.minusDays(1));
        lines.add(step("model, first night (state build, fits, scoring)", started, first.message()));
        lines.addAll(fits(context, end.minusDays(1)));

        RunContext nightly = CommandContext.start(common, "benchmark-model");
        started = System.nanoTime();
        var second = new ModelRunner(nightly, new RunLog(nightly)).run(end);
        lines.add(step("model, incremental night (fold one day, scoring)", started, second.message()));
        lines.addAll(fits(context, end));

        long peak = HeapPeak.peakBytes();
        lines.add(String.format(Locale.ROOT, "peak JVM heap (sum of heap pool peaks): %.0f MiB of %.0f MiB max; %d cores",
                peak / 1048576.0, HeapPeak.maxBytes() / 1048576.0, Runtime.getRuntime().availableProcessors()));
        lines.forEach(out::println);
        out.flush();
        return ExitCodes.OK;
    }

    private static String step(String name, long startedNanos, String detail) {
        return String.format(Locale.ROOT, "%-50s %8.1f s  %s", name, (System.nanoTime() - startedNanos) / 1e9, detail);
    }

    private static List<String> fits(dev.onetoone.pipeline.RunContext context, LocalDate asOf) {
        var lines = new ArrayList<String>();
        for (Row row : context.warehouse().readAsOf(Tables.POPULATION_MODEL, asOf).orderBy("model").collectAsList()) {
            lines.add(String.format(Locale.ROOT, "  fit %-12s %-10s %8.1f s  %d iterations, %d customers, converged %s",
                    row.<String>getAs("model"), row.<String>getAs("status"), row.<Double>getAs("wall_seconds"),
                    row.<Integer>getAs("iterations"), row.<Long>getAs("customers"), row.<Boolean>getAs("converged")));
        }
        return lines;
    }
}
