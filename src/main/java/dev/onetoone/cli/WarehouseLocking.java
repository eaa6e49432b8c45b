package dev.onetoone.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;

import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.operations.RunLock;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Which commands take the warehouse's run lock: every command with a warehouse option, except the ones listed here
 * as only reading it (or writing elsewhere). A new command is locked unless it is added to the list, so forgetting
 * the list errs on the safe side.
 */
final class WarehouseLocking {
    /** Commands that never write to the warehouse; {@code sql} writes only with --allow-writes. */
    static final Set<String> READ_ONLY = Set.of("sql", "generate", "simulate-responses", "tables", "help");

    private WarehouseLocking() {
    }

    /** The lock for the command about to run, or empty when it does not write or only help was asked for. */
    static Optional<RunLock> acquire(CommandLine.ParseResult parseResult) {
        List<CommandLine> commands = parseResult.asCommandLineList();
        for (CommandLine command : commands) {
            if (command.isUsageHelpRequested() || command.isVersionHelpRequested()) {
                return Optional.empty();
            }
        }
        CommandLine command = commands.get(commands.size() - 1);
        if (!writes(command.getCommandSpec())) {
            return Optional.empty();
        }
        CommandSpec common = command.getCommandSpec().mixins().get("common");
        OneToOneConfig config = ((CommonOptions) common.userObject()).config();
        return Optional.of(RunLock.acquire(config.warehouse(), hadoopConfiguration(config), command.getCommandName(), Clock.systemUTC(),
                Duration.ofMinutes(Math.round(config.operations().lockStaleAfterHours() * 60))));
    }

    static boolean writes(CommandSpec spec) {
        CommandSpec common = spec.mixins().get("common");
        if (common == null || !(common.userObject() instanceof CommonOptions)) {
            return false;
        }
        if (spec.userObject() instanceof SqlCommand sql) {
            return sql.allowWrites;
        }
        return !READ_ONLY.contains(spec.name());
    }

    /** Hadoop settings as the Spark session will see them: spark.hadoop.* from spark-submit and from the configuration. */
    private static Configuration hadoopConfiguration(OneToOneConfig config) {
        var spark = new SparkConf();
        config.sparkSettings().forEach(spark::set);
        var hadoop = new Configuration();
        for (var entry : spark.getAll()) {
            if (entry._1().startsWith("spark.hadoop.")) {
                hadoop.set(entry._1().substring("spark.hadoop.".length()), entry._2());
            }
        }
        return hadoop;
    }
}
