package dev.onetoone.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;

import dev.onetoone.config.ConfigLoader;
import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.RunContext;

/** A run context on a fresh warehouse directory, with the test session and a fixed clock. */
public final class WarehouseFixture {
    /** The fixed "now" of tests: data up to 2026-01-01 is never future-dated. */
    public static final Instant NOW = Instant.parse("2026-01-02T03:00:00Z");

    private WarehouseFixture() {
    }

    public static RunContext context(Path warehouseDirectory, Map<String, String> overrides) {
        return context(warehouseDirectory, overrides, NOW);
    }

    /** As {@link #context(Path, Map)}, with the clock fixed at {@code now}: for a later night's run. */
    public static RunContext context(Path warehouseDirectory, Map<String, String> overrides, Instant now) {
        return context(warehouseDirectory.toString(), overrides, now);
    }

    /** As {@link #context(Path, Map, Instant)}, for a warehouse at any URI, such as {@code s3a://bucket/path}. */
    public static RunContext context(String warehouse, Map<String, String> overrides, Instant now) {
        var all = new java.util.HashMap<>(overrides);
        all.put("warehouse", warehouse);
        all.put("spark.sql.shuffle.partitions", "2");
        OneToOneConfig config = new ConfigLoader().withOverrides(all).load();
        var spark = SparkTestSupport.spark();
        return RunContext.start(config, new Warehouse(spark, config.warehouse()), Clock.fixed(now, ZoneOffset.UTC));
    }

    public static Path sample(String relative) {
        String home = System.getProperty("onetoone.home", ".");
        return Path.of(home).resolve(relative);
    }

    /**
     * A copy of a warehouse directory, for a test that changes tables of the shared sample night without changing
     * them for the other tests of the JVM.
     */
    public static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    // with the files' times: Delta reads a commit's time from its log file's, and the copy keeps the
                    // order of the tables' commits (the loyalty stage compares the ledger's with the balances')
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return to;
    }
}
