package dev.onetoone.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Failure injection for cluster tests: the executor that starts its N-th task halts its JVM on the spot, as a
 * machine lost mid-stage would, once per marker file. Enabled with {@code spark.plugins} set to this class and
 * {@code spark.onetoone.test.kill-executor.after-tasks} and {@code ...marker} (a path no executor has created yet);
 * the first executor to reach N creates the marker and dies, every later one finds it and lives.
 */
public final class ExecutorKillPlugin implements SparkPlugin {
    public static final String AFTER_TASKS = "spark.onetoone.test.kill-executor.after-tasks";
    public static final String MARKER = "spark.onetoone.test.kill-executor.marker";
    /** Exit status of the halted executor (128 + SIGKILL, as if killed). */
    public static final int EXIT_STATUS = 137;

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new Killer();
    }

    private static final class Killer implements ExecutorPlugin {
        private final AtomicInteger started = new AtomicInteger();
        private int afterTasks;
        private Path marker;

        @Override
        public void init(PluginContext context, Map<String, String> extraConf) {
            afterTasks = context.conf().getInt(AFTER_TASKS, Integer.MAX_VALUE);
            marker = Path.of(context.conf().get(MARKER));
        }

        @Override
        public void onTaskStart() {
            if (started.incrementAndGet() != afterTasks) {
                return;
            }
            try {
                Files.createFile(marker);
            } catch (FileAlreadyExistsException alreadyKilledOnce) {
                return;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // halt, not exit: no shutdown hook runs, the driver sees the executor vanish with its running tasks.
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
