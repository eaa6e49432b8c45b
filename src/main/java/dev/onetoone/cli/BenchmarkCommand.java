package dev.onetoone.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.onetoone.benchmark.BenchmarkInput;
import dev.onetoone.benchmark.BenchmarkReport;
import dev.onetoone.benchmark.HeapPeak;
import dev.onetoone.benchmark.NightlyBenchmark;
import dev.onetoone.generate.GeneratorConfig;
import dev.onetoone.generate.SyntheticDataGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = {"Nightly benchmark: generate N customers (about 10 lines each) in Parquet plus one extra day, run a full "
                + "night and then the one-day night through the nightly pipeline, and print wall time, rows and peak heap per "
                + "stage; on the same files measure the floor (read, one group-by per customer, write one Delta table) and the "
                + "peer (the same RFM in DuckDB), print each stage's ratio to the floor and check the targets.",
                "Use a fresh --warehouse (default <work-dir>/warehouse). The input is kept under --work-dir and reused by a "
                        + "later run with the same size and seed. The peer needs DuckDB's JDBC driver, which jobs/onetoone adds "
                        + "from target/benchmark-lib."})
final class BenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--customers", defaultValue = "100000", paramLabel = "N", description = "Customers to generate, e.g. 10000, 100000, 1000000 (default ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = "--work-dir", required = true, paramLabel = "DIR", description = "Where the input, the floor's table and the peer's file go.")
    Path workDir;

    @Option(names = "--start", defaultValue = "2024-01-01", paramLabel = "DATE", description = "First day of the history (default ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(names = "--end", defaultValue = "2025-12-30", paramLabel = "DATE",
            description = "Last day of the history and as-of date of the full night; the one-day night is the day after (default ${DEFAULT-VALUE}).")
    LocalDate end;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--skip-stages", split = ",", paramLabel = "PART",
            description = "Parts not to run, comma-separated: ingest, rfm, model, affinity, loyalty, offers, one-day, floor, peer.")
    List<String> skipStages = List.of();

    @Override
    public Integer call() {
        if (common.warehouse == null) {
            common.warehouse = workDir.resolve("warehouse").toString();
        }
        var settings = new NightlyBenchmark.Settings(customers, workDir, start, end, seed, new LinkedHashSet<>(skipStages));
        var context = CommandContext.start(common, "benchmark");
        var out = spec.commandLine().getOut();
        BenchmarkInput.Generator generator = (directory, count, first, last, generatorSeed) ->
                new SyntheticDataGenerator(GeneratorConfig.of(count, first, last, generatorSeed)).generate(directory).transactionLines();
        var result = new NightlyBenchmark(context, generator).run(settings, measurement -> {
            out.println(BenchmarkReport.progress(measurement));
            out.flush();
        });
        out.println();
        var spark = context.warehouse().spark();
        String machine = String.format(Locale.ROOT, "machine: %d cores, max heap %,.0f MiB, Java %s, %s %s; Spark %s, master %s, "
                        + "spark.sql.shuffle.partitions %s; warehouse %s",
                Runtime.getRuntime().availableProcessors(), HeapPeak.maxBytes() / 1048576.0, System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"), spark.version(), spark.sparkContext().master(),
                spark.conf().get("spark.sql.shuffle.partitions"), context.warehouse().root());
        BenchmarkReport.lines(result, machine).forEach(out::println);
        out.flush();
        return ExitCodes.OK;
    }
}
