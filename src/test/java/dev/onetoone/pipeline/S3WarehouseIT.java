package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.config.ConfigLoader;
import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The warehouse on object storage: a local S3-compatible server (Adobe S3Mock's executable jar, fetched by the
 * production-it profile) on loopback, and a full night of the shipped sample with the warehouse at an s3a:// URI,
 * path-style access and dummy credentials. Every table has the counts of the local run, and transactions were
 * written by Delta MERGE through s3a.
 */
class S3WarehouseIT extends SparkTestSupport {
    private static final String BUCKET = "onetoone";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    static Path directory;

    private static Process server;
    private static int port;

    @BeforeAll
    static void startS3Mock() throws IOException, InterruptedException {
        assumeTrue(Boolean.getBoolean("onetoone.production-it"), "object storage test: run with -Pproduction-it");
        Path jar = Path.of(System.getProperty("onetoone.s3mock.jar", "target/s3mock/s3mock-exec.jar"));
        assumeTrue(Files.isRegularFile(jar), "S3Mock's executable jar is missing (the production-it profile copies it): " + jar);
        port = freePort();
        Path root = Files.createDirectories(directory.resolve("s3-store"));
        Path log = directory.resolve("s3mock.log");
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar", jar.toString(),
                "--server.address=127.0.0.1", "--server.port=0",
                "--com.adobe.testing.s3mock.httpPort=" + port,
                "--com.adobe.testing.s3mock.store.initialBuckets=" + BUCKET,
                "--com.adobe.testing.s3mock.store.root=" + root,
                "--logging.level.root=WARN", "--spring.main.banner-mode=off")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(S3WarehouseIT::stopServer, "s3mock-stop"));
        awaitPort(log);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    @Test
    void aNightWithTheWarehouseOnS3aHasTheCountsOfTheLocalRun() throws IOException {
        Configuration hadoop = spark().sparkContext().hadoopConfiguration();
        // What a user sets as spark.hadoop.fs.s3a.* (jobs/submit: s3.endpoint, s3.path-style-access).
        hadoop.set("fs.s3a.endpoint", "http://127.0.0.1:" + port);
        hadoop.set("fs.s3a.endpoint.region", "us-east-1");
        hadoop.set("fs.s3a.path.style.access", "true");
        hadoop.set("fs.s3a.connection.ssl.enabled", "false");
        hadoop.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        hadoop.set("fs.s3a.access.key", "dummy-access-key");
        hadoop.set("fs.s3a.secret.key", "dummy-secret-key");

        var settings = new HashMap<>(SampleNight.settings(Files.createDirectories(directory.resolve("conf"))));
        settings.put("warehouse", "s3a://" + BUCKET + "/warehouse");
        settings.put("spark.sql.shuffle.partitions", "2");
        OneToOneConfig config = new ConfigLoader().withOverrides(settings).load();
        var context = RunContext.start(config, new Warehouse(spark(), config.warehouse()), Clock.fixed(WarehouseFixture.NOW, ZoneOffset.UTC));
        new NightlyPipeline(context).run(SampleNight.AS_OF, Optional.of(SampleNight.SAMPLE));

        Warehouse onS3 = context.warehouse();
        assertTrue(onS3.path(Tables.TRANSACTIONS).startsWith("s3a://"), onS3.path(Tables.TRANSACTIONS));
        assertEquals(counts(SampleNight.warehouse()), counts(onS3));
        assertEquals(8L, onS3.read(Tables.RUN_LOG).where("status like 'succeeded%'").count(),
                "ingest products, customers, transactions; rfm; model; affinity; loyalty; offers");
        // Loading the products again is an upsert into an existing table: a Delta MERGE through s3a, which changes no count.
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
        // The first load into an empty table is a plain WRITE; a load into an existing table is a MERGE.
        assertTrue(operations.get(Tables.TRANSACTIONS.name()).contains("WRITE"), "transactions were written on s3a: " + operations);
        assertTrue(operations.get(Tables.PRODUCTS.name()).contains("MERGE"), "the products were merged on s3a: " + operations);
        var deltaLog = new org.apache.hadoop.fs.Path(onS3.path(Tables.TRANSACTIONS) + "/_delta_log");
        var fileSystem = deltaLog.getFileSystem(hadoop);
        assertEquals("s3a", fileSystem.getScheme());
        assertTrue(fileSystem.listStatus(deltaLog).length > 0, "the Delta log of transactions is listed through s3a");
        // S3Mock keeps each object as <bucket>/<object id>/binaryData: the data went to the server's store.
        try (Stream<Path> stored = Files.walk(directory.resolve("s3-store").resolve(BUCKET))) {
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

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPort(Path log) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new IllegalStateException("S3Mock ended with " + server.exitValue() + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("S3Mock did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT + ":\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }
}
