package dev.onetoone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.testing.WarehouseFixture;

/**
 * The command jobs/submit builds (its dry run): settings from the cluster file, environment variables over them,
 * spark.* keys as --conf, the S3 keys as s3a settings, and the application's arguments last. Needs the packaged jar,
 * hence an integration test; it starts no JVM.
 */
class SubmitScriptIT {
    record Result(int exitCode, List<String> lines, String err) {
    }

    private static Result dryRun(Path clusterConf, Map<String, String> environment, String... arguments) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(WarehouseFixture.sample("jobs/submit").toString());
        Collections.addAll(command, arguments);
        var builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("ONETOONE_"));
        builder.environment().put("ONETOONE_CLUSTER_CONF", clusterConf.toString());
        builder.environment().put("ONETOONE_SUBMIT_DRY_RUN", "1");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(1, TimeUnit.MINUTES));
        return new Result(process.exitValue(), out.lines().toList(), err);
    }

    /** The value following {@code option} in the command, e.g. --master's URL. */
    private static String after(List<String> lines, String option) {
        int index = lines.indexOf(option);
        assertTrue(index >= 0 && index + 1 < lines.size(), option + " missing in " + lines);
        return lines.get(index + 1);
    }

    @Test
    void theCommandTakesTheFileEnvironmentOverridesAndTheApplicationArgumentsLast(@TempDir Path directory) throws Exception {
        Path conf = Files.writeString(directory.resolve("cluster.properties"), String.join("\n",
                "master=spark://127.0.0.2:7077",
                "executor-memory=6g",
                "packages=io.delta:delta-spark_2.13:4.1.0",
                "warehouse=s3a://bucket/onetoone",
                "s3.endpoint=http://127.0.0.1:9000",
                "s3.path-style-access=true",
                "spark.task.maxFailures=8",
                ""));
        Result result = dryRun(conf, Map.of("ONETOONE_MASTER", "spark://127.0.0.1:7077", "ONETOONE_EXECUTOR_CORES", "2"),
                "rfm", "--as-of", "2025-12-31");
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = result.lines();
        assertEquals("spark://127.0.0.1:7077", after(lines, "--master"), "the environment wins over the file");
        assertEquals("client", after(lines, "--deploy-mode"));
        assertEquals("6g", after(lines, "--executor-memory"));
        assertEquals("2", after(lines, "--executor-cores"));
        assertEquals("io.delta:delta-spark_2.13:4.1.0", after(lines, "--packages"));
        assertEquals("dev.onetoone.cli.OneToOneCli", after(lines, "--class"));
        assertTrue(lines.contains("spark.task.maxFailures=8"), lines.toString());
        assertTrue(lines.contains("spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000"), lines.toString());
        assertTrue(lines.contains("spark.hadoop.fs.s3a.connection.ssl.enabled=false"), "an http endpoint turns TLS off");
        assertTrue(lines.contains("spark.hadoop.fs.s3a.path.style.access=true"), lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("spark.executor.extraJavaOptions=") && line.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")),
                "executors get the Java 17 module flags");
        int jar = lines.size() - 6;
        assertTrue(lines.get(jar).matches(".*/target/onetoone-[^/]*\\.jar"), lines.get(jar));
        assertEquals(List.of("rfm", "--as-of", "2025-12-31", "--warehouse", "s3a://bucket/onetoone"), lines.subList(jar + 1, lines.size()),
                "the configured warehouse is added when the command line has none");
    }

    @Test
    void aWarehouseOnTheCommandLineIsKeptAndAnEmptyVariableClearsAKey(@TempDir Path directory) throws Exception {
        Path conf = Files.writeString(directory.resolve("cluster.properties"),
                "master=spark://127.0.0.1:7077\nwarehouse=s3a://bucket/onetoone\npackages=io.delta:delta-spark_2.13:4.1.0\n");
        Result result = dryRun(conf, Map.of("ONETOONE_PACKAGES", ""), "rfm", "--as-of", "2025-12-31", "--warehouse", "/data/wh");
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("rfm", "--as-of", "2025-12-31", "--warehouse", "/data/wh"), result.lines().subList(result.lines().size() - 5, result.lines().size()));
        assertFalse(result.lines().contains("--packages"), result.lines().toString());
    }

    @Test
    void anUnknownKeyOrDeployModeStopsWithExitCodeTwoNamingIt(@TempDir Path directory) throws Exception {
        Path typo = Files.writeString(directory.resolve("typo.properties"), "master=spark://127.0.0.1:7077\nexecutor-memroy=4g\n");
        Result unknown = dryRun(typo, Map.of(), "rfm", "--as-of", "2025-12-31");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown key 'executor-memroy'"), unknown.err());

        Path conf = Files.writeString(directory.resolve("cluster.properties"), "master=spark://127.0.0.1:7077\n");
        Result mode = dryRun(conf, Map.of("ONETOONE_DEPLOY_MODE", "remote"), "rfm", "--as-of", "2025-12-31");
        assertEquals(2, mode.exitCode());
        assertTrue(mode.err().contains("deploy-mode must be client or cluster, not 'remote'"), mode.err());
    }
}
