package dev.onetoone.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the shared sample night in a JVM of its own when a test JVM opens its JUnit session with
 * {@value #PROPERTY}=true (the build's first group of integration tests, those that do not read the night; see
 * pom.xml). The test JVMs run their own tests meanwhile; the second group's tests then find the night built. Without
 * this, the first test that needs the night runs it while the other test JVM waits for it.
 *
 * <p>Exactly one JVM of the build starts it (the first to create {@code prebuild-started} in the shared directory).
 * The night JVM takes the lock of {@link SampleNight} at once, so a test that asks for the night waits for it as
 * before; if the night JVM fails, the lock is released without {@code complete} and that test runs the night itself,
 * with the error in its own output (the night JVM's output is in {@code prebuild.log}). The night JVM stops when the
 * Maven process that started the tests has gone.
 */
public final class SampleNightPrebuild implements LauncherSessionListener {
    public static final String PROPERTY = "onetoone.sample-night.prebuild";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String shared = System.getProperty(SampleNight.SHARED_DIRECTORY);
        if (!Boolean.getBoolean(PROPERTY) || shared == null) {
            return;
        }
        try {
            Path directory = Files.createDirectories(Path.of(shared));
            Files.createFile(directory.resolve("prebuild-started"));
            start(directory);
        } catch (FileAlreadyExistsException e) {
            // another test JVM of this build started it
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the shared sample night in " + shared, e);
        }
    }

    /** The Maven process: the test JVM's parent, or the parent of the shell that failsafe starts the JVM through. */
    private static Optional<ProcessHandle> build() {
        Optional<ProcessHandle> process = ProcessHandle.current().parent();
        while (process.isPresent() && process.get().info().command().map(command -> command.endsWith("sh")).orElse(false)) {
            process = process.get().parent();
        }
        return process;
    }

    private static void start(Path directory) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        for (String property : List.of("onetoone.home", "log4j2.configurationFile")) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SampleNight.class.getName(), directory.toString(),
                Long.toString(build().map(ProcessHandle::pid).orElse(-1L))));
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(directory.resolve("prebuild.log").toFile()).start();
    }
}
