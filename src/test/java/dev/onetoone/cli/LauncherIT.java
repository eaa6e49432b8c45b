package dev.onetoone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * jobs/onetoone as a user runs it: a separate JVM started through SparkSubmit from target/lib. Two launches: a usage
 * error, and one query with a Spark session.
 */
class LauncherIT extends SparkTestSupport {
    record Result(int exitCode, String out, String err) {
    }

    static Result launch(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(WarehouseFixture.sample("jobs/onetoone").toString());
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().put("ONETOONE_DRIVER_MEMORY", "1g");
        Process process = builder.start();
        var out = process.getInputStream().readAllBytes();
        var err = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /**
     * A usage error's exit code and message come through the launcher and SparkSubmit (no Spark session starts). The
     * version text is checked in process by CliIT: the launcher adds nothing to it.
     */
    @Test
    void usageErrorsComeFromTheLauncher() throws Exception {
        Result missing = launch("rfm");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("Missing required option: '--as-of=DATE'"), missing.err());
    }

    @Test
    void sqlCsvPutsOnlyTheResultOnStdout(@TempDir Path warehouse) throws Exception {
        RunContext context = WarehouseFixture.context(warehouse, Map.of("ingest.max-quarantine-share", "0.5",
                "ingest.history-start", "2000-01-01"));
        new IngestRunner(context, new RunLog(context)).ingest(new IngestRequest(
                Optional.of(WarehouseFixture.sample("data-samples/messy/transactions.csv").toString()), Optional.empty(), Optional.empty()),
                null, java.time.LocalDate.of(2026, 1, 2));
        Result csv = launch("sql", "select channel, count(*) as lines from transactions group by channel order by channel",
                "--format", "csv", "--warehouse", warehouse.toString());
        assertEquals(0, csv.exitCode(), csv.err());
        assertEquals("channel,lines\napp,4\nstore,12\nweb,4\n", csv.out());
        assertFalse(java.nio.file.Files.exists(warehouse.resolve("_spark_catalog")), "the sql command leaves no catalog directory in the warehouse");
    }
}
