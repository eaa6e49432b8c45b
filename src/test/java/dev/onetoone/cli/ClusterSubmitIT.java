package dev.onetoone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.ExecutorKillPlugin;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.StandaloneCluster;
import dev.onetoone.testing.TableComparison;
import dev.onetoone.testing.WarehouseFixture;

/**
 * jobs/submit against a real Spark standalone cluster (a Master and a Worker started here from target/lib): the
 * shipped sample's night, submitted in client mode with the shared sample night's settings, writes the same tables
 * as the local run, although the executor is killed in the middle of a stage and the night goes on on its
 * replacement.
 */
class ClusterSubmitIT extends SparkTestSupport {
    /** The executor dies when it starts this task: well inside the night (ingest alone runs a few hundred tasks). */
    private static final int KILL_AT_TASK = 100;
    private static final double TOLERANCE = 1e-6;

    @Test
    void aNightOnTheClusterWritesTheTablesOfTheLocalRunAlthoughAnExecutorDiesMidStage(@TempDir Path directory) throws Exception {
        assumeTrue(Boolean.getBoolean("onetoone.production-it"), "cluster test: run with -Pproduction-it");
        Path pluginJar = pluginJar(directory);
        Path marker = directory.resolve("executor-killed");
        Path warehouse = directory.resolve("warehouse");
        Path driverLog = directory.resolve("driver.log");
        try (var cluster = StandaloneCluster.start(directory.resolve("cluster"), 2, "1g", List.of(pluginJar))) {
            var command = new ArrayList<>(List.of(WarehouseFixture.sample("jobs/submit").toString(),
                    "nightly", "--as-of", SampleNight.AS_OF.toString(), "--input", SampleNight.SAMPLE,
                    "--warehouse", warehouse.toString(), "-D", "spark.sql.shuffle.partitions=2"));
            for (Map.Entry<String, String> setting : SampleNight.settings(Files.createDirectories(directory.resolve("conf"))).entrySet()) {
                command.addAll(List.of("-D", setting.getKey() + "=" + setting.getValue()));
            }
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(driverLog.toFile());
            Map<String, String> environment = builder.environment();
            environment.put("ONETOONE_MASTER", cluster.masterUrl());
            // The cluster's jars/ holds Delta and picocli (it links target/lib), so nothing is resolved from Maven.
            environment.put("ONETOONE_PACKAGES", "");
            environment.put("ONETOONE_JARS", pluginJar.toString());
            environment.put("ONETOONE_DRIVER_MEMORY", "1g");
            environment.put("ONETOONE_EXECUTOR_MEMORY", "1g");
            environment.put("ONETOONE_EXECUTOR_CORES", "2");
            environment.put("ONETOONE_TOTAL_EXECUTOR_CORES", "2");
            environment.put("ONETOONE_SHUFFLE_PARTITIONS", "2");
            environment.put("SPARK_LOCAL_IP", "127.0.0.1");
            environment.put("ONETOONE_SUBMIT_ARGS", String.join(" ",
                    "--conf", "spark.driver.host=127.0.0.1",
                    "--conf", "spark.ui.enabled=false",
                    // A starved machine must not lose the executor to a missed heartbeat; the injected kill is seen at
                    // once, from the closed connection.
                    "--conf", "spark.network.timeout=600s",
                    // The local test session's settings, so both runs partition their work alike.
                    "--conf", "spark.databricks.delta.snapshotPartitions=1",
                    "--conf", "spark.sql.adaptive.coalescePartitions.initialPartitionNum=2",
                    "--conf", "spark.plugins=" + ExecutorKillPlugin.class.getName(),
                    "--conf", ExecutorKillPlugin.AFTER_TASKS + "=" + KILL_AT_TASK,
                    "--conf", ExecutorKillPlugin.MARKER + "=" + marker));
            Process submit = builder.start();
            Thread stopDriver = new Thread(() -> stop(submit), "cluster-driver-stop");
            Runtime.getRuntime().addShutdownHook(stopDriver);
            try {
                // The local night of the same settings runs meanwhile (or was already run by another test).
                Warehouse local = SampleNight.warehouse();
                assertTrue(submit.waitFor(30, TimeUnit.MINUTES), "the submitted night did not finish in 30 minutes");
                String driverOutput = Files.readString(driverLog, StandardCharsets.UTF_8);
                assertEquals(0, submit.exitValue(), () -> "jobs/submit failed:\n" + tail(driverOutput));
                assertTrue(Files.exists(marker), "the failure injection never fired:\n" + tail(driverOutput));
                assertTrue(driverOutput.contains("Lost task"), "the driver saw no task lost with the executor:\n" + tail(driverOutput));
                assertTrue(driverOutput.contains("run ") && driverOutput.contains(" ok: 8 stage(s)"), tail(driverOutput));
                assertTrue(executorsLaunched(cluster) >= 2, "the Worker launched a replacement executor");

                Warehouse onCluster = new Warehouse(spark(), warehouse.toString());
                assertSameTable(local, onCluster, Tables.TRANSACTIONS, List.of("line_id"));
                assertSameTable(local, onCluster, Tables.RFM, List.of("as_of", "customer_id"));
                assertSameTable(local, onCluster, Tables.CUSTOMER_MODEL, List.of("as_of", "customer_id"));
                assertSameTable(local, onCluster, Tables.OFFERS, List.of("offer_id"));
            } finally {
                stop(submit);
                Runtime.getRuntime().removeShutdownHook(stopDriver);
            }
        }
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void assertSameTable(Warehouse local, Warehouse onCluster, TableSpec table, List<String> keys) {
        Dataset<Row> expected = local.read(table);
        Dataset<Row> actual = onCluster.read(table);
        TableComparison.Result result = TableComparison.compare(expected, actual, keys, TOLERANCE);
        assertTrue(result.expectedRows() > 0, table.name() + " of the local run is empty");
        assertTrue(result.equal(), () -> table.name() + ": " + result.expectedRows() + " rows locally, " + result.actualRows()
                + " on the cluster, " + result.unmatchedRows() + " keys on one side only, differing columns " + result.differences());
    }

    private static long executorsLaunched(StandaloneCluster cluster) throws IOException {
        try (Stream<Path> applications = Files.list(cluster.workDirectory())) {
            long executors = 0;
            for (Path application : applications.toList()) {
                try (Stream<Path> runs = Files.list(application)) {
                    executors += runs.filter(Files::isDirectory).count();
                }
            }
            return executors;
        }
    }

    /** A jar of the failure-injection plugin's classes, for the cluster's jars/ and the driver's --jars. */
    private static Path pluginJar(Path directory) throws IOException, URISyntaxException {
        Path classes = Path.of(ExecutorKillPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String packagePath = ExecutorKillPlugin.class.getPackageName().replace('.', '/');
        Path jar = directory.resolve("onetoone-test-plugins.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.list(classes.resolve(packagePath))) {
            for (Path file : files.filter(file -> file.getFileName().toString().startsWith(ExecutorKillPlugin.class.getSimpleName())).toList()) {
                out.putNextEntry(new JarEntry(packagePath + "/" + file.getFileName()));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
