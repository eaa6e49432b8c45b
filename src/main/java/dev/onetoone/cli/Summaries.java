package dev.onetoone.cli;

import java.util.List;

import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.StageResult;
import picocli.CommandLine.Model.CommandSpec;

/** The lines a command prints when it ends: one per stage, then where the tables are. */
final class Summaries {
    private Summaries() {
    }

    static void print(CommandSpec spec, RunContext context, List<StageResult> results) {
        var out = spec.commandLine().getOut();
        for (StageResult result : results) {
            out.println(result.message());
        }
        String root = context.warehouse().root();
        String where = root.contains("://") ? root : java.nio.file.Path.of(root).toAbsolutePath().normalize().toString();
        out.println("run " + context.runId() + " ok: " + results.size() + " stage(s); tables in " + where);
        out.flush();
    }
}
