package dev.onetoone.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.onetoone.config.ConfigException;
import dev.onetoone.generate.GeneratorConfig;
import dev.onetoone.generate.GeneratorSummary;
import dev.onetoone.generate.HiddenStructure;
import dev.onetoone.generate.PurchaseProcess;
import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.io.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write synthetic customers, products and transactions drawn from known buy-till-you-die processes, "
                + "with the population parameters in manifest.json and each customer's latent truth in truth/customer_truth.csv.",
                "Optional hidden structure (taste factors, wholesale buyers, seasonal products) is recorded in manifest.json "
                + "and truth/customer_structure.csv.",
                "Deterministic for a seed."})
final class GenerateCommand implements Callable<Integer> {
    enum OutputFormat { csv, parquet }

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--customers", required = true, paramLabel = "N", description = "Number of customers.")
    int customers;

    @Option(names = "--start", required = true, paramLabel = "DATE", description = "First day of the history (yyyy-MM-dd).")
    LocalDate start;

    @Option(names = "--end", required = true, paramLabel = "DATE", description = "Last day of the history, inclusive.")
    LocalDate end;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
    Path out;

    @Option(names = "--process", defaultValue = "BG_NBD", paramLabel = "P",
            description = "Purchase and dropout process: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    PurchaseProcess process;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "F", description = "csv or parquet (default ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--gzip", description = "Write transactions.csv.gz instead of transactions.csv.")
    boolean gzip;

    @Option(names = "--taste-factors", defaultValue = "0", paramLabel = "K",
            description = "Latent taste factors per customer and product that weight new-product picks "
                    + "(default ${DEFAULT-VALUE}: no taste).")
    int tasteFactors;

    @Option(names = "--taste-strength", defaultValue = "1.0", paramLabel = "S",
            description = "Standard deviation of the taste term in a pick's log weight (default ${DEFAULT-VALUE}).")
    double tasteStrength;

    @Option(names = "--wholesale-share", defaultValue = "0", paramLabel = "SHARE",
            description = "Share of customers that buy like wholesalers: larger baskets, whole cases "
                    + "(default ${DEFAULT-VALUE}).")
    double wholesaleShare;

    @Option(names = "--seasonal-share", defaultValue = "0", paramLabel = "SHARE",
            description = "Share of products whose purchase weight peaks in a month of their own (default ${DEFAULT-VALUE}).")
    double seasonalShare;

    @Override
    public Integer call() throws IOException {
        GeneratorConfig config;
        try {
            config = GeneratorConfig.of(customers, start, end, seed).withProcess(process)
                    .withCompressedTransactions(gzip && format == OutputFormat.csv)
                    .withStructure(new HiddenStructure(tasteFactors, tasteStrength, wholesaleShare, seasonalShare));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        GeneratorSummary summary = new SyntheticDataGenerator(config).generate(out);
        if (format == OutputFormat.parquet) {
            toParquet();
        }
        var writer = spec.commandLine().getOut();
        writer.println(String.format(Locale.ROOT,
                "generated %d customers, %d products, %d baskets, %d transaction lines (%d returns) in %s; "
                        + "one-time buyers %.1f%%, max purchases of one customer %d",
                summary.customers(), summary.products(), summary.baskets(), summary.transactionLines(), summary.returnLines(),
                out, 100 * summary.oneTimeBuyerShare(), summary.maxPurchaseEventsPerCustomer()));
        writer.flush();
        return ExitCodes.OK;
    }

    /** Rewrites the three CSV files as Parquet directories with inferred column types. */
    private void toParquet() {
        var spark = SparkSessions.getOrCreate(common.config(), "onetoone generate");
        for (String entity : new String[] {"transactions", "customers", "products"}) {
            Path csv = out.resolve(entity + ".csv");
            Path parquet = out.resolve(entity + ".parquet");
            spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString())
                    .coalesce(1).write().mode("overwrite").parquet(parquet.toString());
            try {
                Files.delete(csv);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + csv + " after writing " + parquet, e);
            }
        }
    }
}
