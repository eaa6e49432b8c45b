package dev.onetoone.cli;

import java.time.Clock;
import java.util.concurrent.Callable;

import dev.onetoone.operations.Maintenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "maintain", mixinStandardHelpOptions = true,
        description = {"Blank quarantined raw records older than maintenance.quarantine-raw-retention-days, compact every table's "
                + "small files (OPTIMIZE) and remove files older than maintenance.vacuum-retention-hours that no table version "
                + "needs (VACUUM).",
                "Takes the run lock: it fails with exit code 4 while another run writes to the warehouse."})
final class MaintainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "maintain");
        var result = new Maintenance(context.warehouse(), context.config().operations(), Clock.systemUTC()).run();
        var out = spec.commandLine().getOut();
        out.println("quarantine: " + result.quarantineRecordsBlanked() + " raw records past their retention blanked");
        for (var table : result.tables()) {
            out.println(table.table() + ": " + table.filesCompacted() + " files compacted into " + table.filesAdded() + "; data files "
                    + table.dataFilesBefore() + " -> " + table.dataFilesAfter() + " after VACUUM (retention " + result.retentionHours() + " h)");
        }
        out.flush();
        return ExitCodes.OK;
    }
}
