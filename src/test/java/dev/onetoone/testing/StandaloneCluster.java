package dev.onetoone.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine, on loopback only: one Master and one Worker, each a child JVM started
 * from the project's own dependencies (target/lib), no Spark distribution. The Worker launches executors with the
 * jars of SPARK_HOME/jars, so SPARK_HOME is a directory whose jars/ links every jar of target/lib (and any extra
 * jar a test ships, such as a failure-injection plugin). {@link #close()} kills the Worker's executors, the Worker
 * and the Master; a shutdown hook does the same if the test JVM ends first.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Path directory;
    private final int port;
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "standalone-cluster-stop");

    private StandaloneCluster(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /**
     * Starts a Master and a Worker offering {@code cores} cores and {@code memory} (e.g. "1g") to applications, and
     * returns once the Worker has registered.
     */
    public static StandaloneCluster start(Path directory, int cores, String memory, List<Path> extraJars) throws IOException, InterruptedException {
        Path home = WarehouseFixture.sample("").toAbsolutePath().normalize();
        Path lib = home.resolve("target/lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("target/lib is missing: run mvn package first (the cluster runs from the build output)");
        }
        Path sparkHome = Files.createDirectories(directory.resolve("spark-home"));
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        try (Stream<Path> files = Files.list(lib)) {
            for (Path jar : files.filter(file -> file.toString().endsWith(".jar")).toList()) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        for (Path jar : extraJars) {
            Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
        }
        var cluster = new StandaloneCluster(directory, freePort());
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            Path masterLog = directory.resolve("master.log");
            cluster.launch(lib, sparkHome, masterLog, "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", Integer.toString(cluster.port), "--webui-port", "0");
            Path workerLog = directory.resolve("worker.log");
            cluster.launch(lib, sparkHome, workerLog, "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", Integer.toString(cores),
                    "--memory", memory, "--work-dir", Files.createDirectories(directory.resolve("work")).toString(),
                    cluster.masterUrl());
            cluster.awaitLine(workerLog, "Successfully registered with master");
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** The Worker's directory of application runs: one subdirectory per application, one per executor in it. */
    public Path workDirectory() {
        return directory.resolve("work");
    }

    private void launch(Path lib, Path sparkHome, Path log, String mainClass, String... arguments) throws IOException {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(sparkJvmFlags());
        // The Master's REST submission server and fixed UI ports would collide with other clusters on the machine.
        command.addAll(List.of("-Dspark.master.rest.enabled=false", "-Dspark.ui.showConsoleProgress=false",
                "-Dlog4j2.configurationFile=" + WarehouseFixture.sample("src/test/resources/log4j2-cluster.properties").toAbsolutePath()));
        command.addAll(List.of("-cp", lib.resolve("*").toString(), mainClass));
        command.addAll(List.of(arguments));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("SPARK_HOME", sparkHome.toString());
        environment.put("SPARK_SCALA_VERSION", "2.13");
        environment.put("SPARK_LOCAL_IP", "127.0.0.1");
        environment.put("SPARK_LOG_DIR", directory.toString());
        processes.add(builder.start());
    }

    private void awaitLine(Path log, String text) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("a cluster process ended with " + process.exitValue() + ":\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no '" + text + "' in " + log + " after " + START_TIMEOUT + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** A port free on loopback now (the child process binds it a moment later). */
    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Executors first (children of the Worker), then the Worker and the Master. */
    private synchronized void stopAll() {
        for (int index = processes.size() - 1; index >= 0; index--) {
            Process process = processes.get(index);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        processes.clear();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: the processes are stopped either way.
        }
    }

    /**
     * The module flags Spark needs on Java 17, as the test JVM got them from the pom's spark.jvm.flags (surefire's
     * and failsafe's argLine), so the list is kept in one place.
     */
    public static List<String> sparkJvmFlags() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(flag -> flag.startsWith("--add-opens") || flag.startsWith("--add-modules")
                        || flag.equals("-XX:+IgnoreUnrecognizedVMOptions") || flag.startsWith("-Djdk.reflect.")
                        || flag.startsWith("-Dio.netty."))
                .toList();
    }
}
