package dev.onetoone.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Local work directories (a simulation's arms, a benchmark's generated input, a test's shared night). */
public final class LocalFiles {
    private LocalFiles() {
    }

    /** Removes a directory and everything under it; nothing happens when it does not exist. */
    public static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
