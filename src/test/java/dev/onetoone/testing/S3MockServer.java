package dev.onetoone.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A local S3-compatible server: Adobe S3Mock's executable jar (fetched by the production-it profile into
 * target/s3mock/) as a child JVM on loopback, with one bucket, its objects under a directory of the test. S3Mock's
 * https connector binds 127.0.0.1; its plain-http connector, the one used here, binds every interface (S3Mock has no
 * setting for its address), and the tests only connect to 127.0.0.1.
 */
public final class S3MockServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    /** S3Mock accepts any credentials; these stand for what a user sets. */
    private static final String ACCESS_KEY = "dummy-access-key";
    private static final String SECRET_KEY = "dummy-secret-key";

    private final Process process;
    private final int port;
    private final Path store;
    private final Thread shutdownHook;

    private S3MockServer(Process process, int port, Path store) {
        this.process = process;
        this.port = port;
        this.store = store;
        this.shutdownHook = new Thread(this::stop, "s3mock-stop");
    }

    /** The server's jar, as the production-it profile copies it; a test assumes it exists before {@link #start}. */
    public static Path jar() {
        return Path.of(System.getProperty("onetoone.s3mock.jar", "target/s3mock/s3mock-exec.jar"));
    }

    /** Starts the server with {@code bucket} and returns once it listens. */
    public static S3MockServer start(Path directory, String bucket) throws IOException, InterruptedException {
        int port = StandaloneCluster.freePort();
        Path store = Files.createDirectories(directory.resolve("s3-store"));
        Path log = directory.resolve("s3mock.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", jar().toString(),
                "--server.address=127.0.0.1", "--server.port=0",
                "--com.adobe.testing.s3mock.httpPort=" + port,
                "--com.adobe.testing.s3mock.store.initialBuckets=" + bucket,
                "--com.adobe.testing.s3mock.store.root=" + store,
                "--logging.level.root=WARN", "--spring.main.banner-mode=off")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var server = new S3MockServer(process, port, store);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.awaitPort(log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The directory where the server keeps its objects, one {@code <bucket>/<object id>/binaryData} per object. */
    public Path store() {
        return store;
    }

    /**
     * The S3A settings a user sets as {@code spark.hadoop.fs.s3a.*} for this server (without the prefix): endpoint,
     * region, path-style access, plain http and the credentials.
     */
    public Map<String, String> s3aSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("fs.s3a.endpoint", endpoint());
        settings.put("fs.s3a.endpoint.region", "us-east-1");
        settings.put("fs.s3a.path.style.access", "true");
        settings.put("fs.s3a.connection.ssl.enabled", "false");
        settings.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        settings.put("fs.s3a.access.key", ACCESS_KEY);
        settings.put("fs.s3a.secret.key", SECRET_KEY);
        return settings;
    }

    private void awaitPort(Path log) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock ended with " + process.exitValue() + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
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

    private void stop() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: the server is stopped either way.
        }
    }
}
