package dev.onetoone.cli;

import java.io.PrintWriter;
import java.util.Optional;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.onetoone.config.ConfigException;
import dev.onetoone.operations.RunLock;
import dev.onetoone.operations.RunLockedException;
import dev.onetoone.operations.SqlRejectedException;
import dev.onetoone.pipeline.DataQualityException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code jobs/onetoone} and of spark-submit. Exit codes: 0 ok, 1 a stage failed, 2 usage or
 * configuration error (or a refused sql statement), 3 a data-quality threshold was breached, 4 another run holds the
 * warehouse's run lock.
 */
@Command(name = "onetoone", mixinStandardHelpOptions = true, versionProvider = OneToOneCli.Version.class,
        description = "OneToOne: a behavioural model for every customer, on Spark and Delta Lake.",
        subcommands = {NightlyCommand.class, GenerateCommand.class, IngestCommand.class, RfmCommand.class, ModelCommand.class, AffinityCommand.class, OffersCommand.class, EvaluateModelCommand.class, EvaluateAffinityCommand.class, BenchmarkModelCommand.class, BenchmarkCommand.class,
                OfferResultsCommand.class, EvaluatePolicyCommand.class, PolicyClosedLoopCommand.class, LoyaltyCommand.class, SimulateResponsesCommand.class, ClosedLoopCommand.class, SqlCommand.class, TablesCommand.class,
                RegisterTablesCommand.class, MaintainCommand.class, ForgetCommand.class,
                CommandLine.HelpCommand.class})
public final class OneToOneCli implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OneToOneCli.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        int exitCode = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        SparkSession.getActiveSession().foreach(session -> {
            session.stop();
            return null;
        });
        System.exit(exitCode);
    }

    /** Runs a command line and returns its exit code; the Spark session is left running for the caller. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        var commandLine = new CommandLine(new OneToOneCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExitCodeExceptionMapper(new ExitCodes());
        commandLine.setExecutionStrategy(parseResult -> {
            Optional<RunLock> lock;
            try {
                lock = WarehouseLocking.acquire(parseResult);
            } catch (RuntimeException e) {
                var commands = parseResult.asCommandLineList();
                throw new CommandLine.ExecutionException(commands.get(commands.size() - 1), String.valueOf(e.getMessage()), e);
            }
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } finally {
                lock.ifPresent(RunLock::close);
            }
        });
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            if (exception instanceof ConfigException) {
                failed.getErr().println("configuration error: " + exception.getMessage());
            } else if (exception instanceof RunLockedException) {
                failed.getErr().println("run lock: " + exception.getMessage());
            } else if (exception instanceof SqlRejectedException) {
                failed.getErr().println("refused: " + exception.getMessage());
            } else if (exception instanceof DataQualityException) {
                failed.getErr().println("data quality check failed: " + exception.getMessage());
            } else {
                LOG.error("command failed", exception);
                failed.getErr().println("failed: " + exception);
            }
            failed.getErr().flush();
            return new ExitCodes().getExitCode(exception);
        });
        return commandLine.execute(args);
    }

    /** Version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = OneToOneCli.class.getPackage().getImplementationVersion();
            return new String[] {"onetoone " + (version == null ? "development" : version)
                    + " (Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ")"};
        }
    }
}
