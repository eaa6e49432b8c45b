package dev.onetoone.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

import dev.onetoone.io.LocalFiles;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.NightlyPipeline;
import dev.onetoone.pipeline.RunContext;

/**
 * One nightly run on the shipped sample (2,500 customers, two years) as of 2025-12-31, shared by the integration
 * tests (once per build, see {@link #SHARED_DIRECTORY}; each JVM gets its own copy): ingesting and modelling the
 * sample is the slow part, and the tests only read what it wrote (or write tables of their own, such as
 * affinity_evaluation). The offers run with tight budgets (20 per campaign, 60 in
 * all), a strong response (elasticity 30) and a suppression list, so that budgets bind and every campaign type has
 * takers.
 */
public final class SampleNight {
    public static final LocalDate AS_OF = LocalDate.of(2025, 12, 31);
    public static final String SAMPLE = WarehouseFixture.sample("data-samples/sample").toString();

    /**
     * System property naming a directory shared by the test JVMs of one build (failsafe sets it under target/): the
     * night is run once there. Without it each JVM runs its own.
     */
    public static final String SHARED_DIRECTORY = "onetoone.sample-night.dir";

    private static RunContext context;

    private SampleNight() {
    }

    public static synchronized RunContext context() {
        if (context == null) {
            try {
                Path directory = Files.createTempDirectory("onetoone-sample-night");
                Path warehouse = directory.resolve("warehouse");
                String shared = System.getProperty(SHARED_DIRECTORY);
                if (shared == null) {
                    night(directory);
                } else {
                    WarehouseFixture.copy(builtOnce(Path.of(shared)), warehouse);
                }
                context = WarehouseFixture.context(warehouse, settings(directory));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return context;
    }

    /** Runs the night into {@code directory}/warehouse. */
    private static void night(Path directory) throws IOException {
        new NightlyPipeline(WarehouseFixture.context(directory.resolve("warehouse"), settings(directory))).run(AS_OF, Optional.of(SAMPLE));
    }

    /**
     * The night's warehouse under {@code shared}, run by the first test JVM of the build that asks for it: the others
     * wait on a file lock and then copy it, so two test JVMs cost one night, and each writes only to its own copy.
     */
    private static Path builtOnce(Path shared) throws IOException {
        Files.createDirectories(shared);
        Path built = shared.resolve("night");
        Path complete = shared.resolve("complete");
        try (FileChannel channel = FileChannel.open(shared.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            if (!Files.exists(complete)) {
                // a JVM that died mid-night left a partial directory behind: start again
                LocalFiles.deleteRecursively(built);
                Files.createDirectories(built);
                night(built);
                Files.createFile(complete);
            }
        }
        return built.resolve("warehouse");
    }

    /**
     * The configuration keys of the shared night (besides the warehouse and two shuffle partitions), with its
     * campaigns and suppression files written to {@code directory}: a run elsewhere (a cluster, object storage) with
     * these settings computes the same night.
     */
    public static Map<String, String> settings(Path directory) throws IOException {
        String shipped = Files.readString(WarehouseFixture.sample("conf/campaigns.properties"));
        Path campaigns = Files.writeString(directory.resolve("campaigns.properties"),
                shipped.replaceAll("(?m)^(campaign\\.[a-z_]+\\.budget)=\\d+$", "$1=20"));
        Path suppression = Files.writeString(directory.resolve("suppressed.csv"), "customer_id\nC0000010\nC0000011\nC0000012\n");
        return Map.of(
                "offers.campaigns-file", campaigns.toString(),
                "offers.suppression-file", suppression.toString(),
                "offers.response-elasticity", "30",
                "offers.global-budget", "60");
    }

    public static Warehouse warehouse() {
        return context().warehouse();
    }
}
