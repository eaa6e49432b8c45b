package dev.onetoone.cli;

import java.util.concurrent.Callable;

import dev.onetoone.operations.TableRegistrar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "register-tables", mixinStandardHelpOptions = true,
        description = {"Register every warehouse table by name (CREATE TABLE ... USING delta LOCATION, with the table and column "
                + "comments) in the session's catalog: the metastore the Spark session is configured with (e.g. "
                + "spark.sql.catalogImplementation=hive on a cluster), or else the in-memory catalog of this session.",
                "Safe to rerun; a table registered at another location is an error."})
final class RegisterTablesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--database", paramLabel = "NAME", description = "Database to register in (default: the catalog.database key).")
    String database;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "register-tables");
        String target = database != null ? database : context.config().operations().catalogDatabase();
        if (!target.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--database: letters, digits and underscores only");
        }
        var result = new TableRegistrar(context.warehouse()).register(target);
        var out = spec.commandLine().getOut();
        out.println("registered in " + result.database() + ": " + String.join(", ", result.registered())
                + (result.alreadyRegistered().isEmpty() ? "" : "; already registered: " + String.join(", ", result.alreadyRegistered())));
        out.println("catalog: " + context.warehouse().spark().conf().get("spark.sql.catalogImplementation", "in-memory"));
        out.flush();
        return ExitCodes.OK;
    }
}
