package dev.onetoone.cli;

import java.time.Clock;

import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.io.SparkSessions;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.RunContext;

/** Builds the run context of a command: configuration, Spark session, warehouse and run id. */
final class CommandContext {
    private CommandContext() {
    }

    static RunContext start(CommonOptions options, String command) {
        OneToOneConfig config = options.config();
        var spark = SparkSessions.getOrCreate(config, "onetoone " + command);
        return RunContext.start(config, new Warehouse(spark, config.warehouse()), Clock.systemUTC());
    }
}
