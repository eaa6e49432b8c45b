package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.onetoone.config.ConfigException;
import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Validate input files and load them into transactions, customers and products; bad rows go to quarantine.")
final class IngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--input", paramLabel = "PATH", description = "Directory with transactions.*, customers.*, products.* files, or one transactions file.")
    String input;

    @Option(names = "--transactions", paramLabel = "FILE", description = "Transactions file (csv, csv.gz, parquet, json lines).")
    String transactions;

    @Option(names = "--customers", paramLabel = "FILE", description = "Customer master data file.")
    String customers;

    @Option(names = "--products", paramLabel = "FILE", description = "Product master data file.")
    String products;

    @Option(names = "--as-of", paramLabel = "DATE", description = "Run date recorded in run_log; lines dated after max(today, DATE) plus the tolerance are future-dated.")
    LocalDate asOf;

    @Override
    public Integer call() {
        IngestRequest request;
        if (input != null) {
            if (transactions != null || customers != null || products != null) {
                throw new ConfigException("give either --input or --transactions/--customers/--products, not both");
            }
            request = IngestRequest.fromInput(input);
        } else {
            request = new IngestRequest(Optional.ofNullable(transactions), Optional.ofNullable(customers), Optional.ofNullable(products));
            if (request.isEmpty()) {
                throw new ConfigException("nothing to ingest: give --input PATH or at least one of --transactions, --customers, --products");
            }
        }
        var context = CommandContext.start(common, "ingest");
        var results = new IngestRunner(context, new RunLog(context)).ingest(request, asOf, context.referenceDate(asOf));
        Summaries.print(spec, context, results);
        return ExitCodes.OK;
    }
}
