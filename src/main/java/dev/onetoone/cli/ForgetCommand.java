package dev.onetoone.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onetoone.config.ConfigException;
import dev.onetoone.operations.Erasure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Erase customers (a data-subject erasure request): delete their rows from every table with a customer_id, the "
                + "quarantined raw records holding their id and their rows of the offer exports; record a SHA-256 of each id and the "
                + "row counts in erasure_log; then VACUUM with maintenance.vacuum-retention-hours.",
                "With a retention of 0 the old files go at once; otherwise the command says when the next maintain run removes them."})
final class ForgetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--customer", paramLabel = "ID", description = "A customer id to erase; repeat for several.")
    List<String> customers = new ArrayList<>();

    @Option(names = "--customers", paramLabel = "FILE", description = "A file of customer ids, one per line (a first line customer_id is a header).")
    Path file;

    @Override
    public Integer call() {
        var ids = new LinkedHashSet<String>();
        customers.stream().map(String::trim).forEach(ids::add);
        if (file != null) {
            ids.addAll(read(file));
        }
        if (ids.isEmpty() || ids.contains("")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --customer ID or --customers FILE, with no blank id");
        }
        var context = CommandContext.start(common, "forget");
        Erasure.Result result = new Erasure(context).forget(ids);
        var out = spec.commandLine().getOut();
        result.rowsDeleted().forEach((table, rows) -> out.println(table + ": " + rows + " rows deleted"));
        out.println("forgot " + result.customers() + " customer(s); audit rows in erasure_log (run " + context.runId() + ")");
        if (result.retentionHours() == 0) {
            out.println("VACUUM with retention 0 removed every data file that held them");
        } else {
            out.println("VACUUM ran with a retention of " + result.retentionHours() + " h (maintenance.vacuum-retention-hours): the files "
                    + "rewritten now still hold the erased rows until " + result.oldFilesRemovedBy()
                    + "; the first maintain run after that removes them");
        }
        out.println("the Delta log keeps min/max statistics of removed files until delta.logRetentionDuration (default 30 days) passes");
        out.flush();
        return ExitCodes.OK;
    }

    private static List<String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("customers file not found: " + file);
        }
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim)
                    .filter(line -> !line.isEmpty()).toList());
            if (!lines.isEmpty() && lines.get(0).equals(Erasure.CUSTOMER_COLUMN)) {
                lines.remove(0);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
