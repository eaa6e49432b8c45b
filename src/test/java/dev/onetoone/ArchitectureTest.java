package dev.onetoone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Rules of the code's layout, read from the main sources (no Spark). */
class ArchitectureTest {
    private static final Path MAIN = Path.of(System.getProperty("onetoone.home", "."), "src/main/java/dev/onetoone");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.onetoone\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** Each main source file's text by its path under dev/onetoone. */
    private static Map<String, String> sources() {
        try (Stream<Path> files = Files.walk(MAIN)) {
            Map<String, String> sources = new TreeMap<>();
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                sources.put(MAIN.relativize(file).toString().replace('\\', '/'), Files.readString(file));
            }
            return sources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String packageOf(String path) {
        int slash = path.indexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /**
     * The sample generator and the response simulator are tools around the night, never part of it: only the commands
     * (which hand the generator to the benchmark) and the two packages themselves import them.
     */
    @Test
    void onlyTheCommandsAndTheSimulatorUseTheGeneratorOrTheSimulator() {
        Set<String> allowed = Set.of("cli", "generate", "simulation");
        Map<String, String> sources = sources();
        assertTrue(sources.size() > 100, "the main sources were found under " + MAIN.toAbsolutePath() + ": " + sources.size());
        List<String> offending = sources.entrySet().stream()
                .filter(source -> !allowed.contains(packageOf(source.getKey())))
                .filter(source -> {
                    Matcher imports = IMPORT.matcher(source.getValue());
                    while (imports.find()) {
                        if (imports.group(1).equals("generate") || imports.group(1).equals("simulation")) {
                            return true;
                        }
                    }
                    return false;
                })
                .map(Map.Entry::getKey).toList();
        assertEquals(List.of(), offending);
    }

    /** Every Spark job description goes through JobDescription, so each reads "stage: step". */
    @Test
    void jobDescriptionsAreSetOnlyThroughJobDescription() {
        List<String> offending = sources().entrySet().stream()
                .filter(source -> !source.getKey().equals("io/JobDescription.java"))
                .filter(source -> source.getValue().contains("setJobDescription("))
                .map(Map.Entry::getKey).toList();
        assertEquals(List.of(), offending);
    }
}
