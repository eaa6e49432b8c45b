package dev.onetoone.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed sample in {@code data-samples/sample} is exactly what {@link GenerateSample} writes
 * today. A failure means the generator's output changed: regenerate the sample with
 * {@code java -cp target/classes:<slf4j-api> dev.onetoone.generate.GenerateSample data-samples/sample}
 * and commit it together with the change.
 */
class SyntheticSampleTest {

    private static final Path SAMPLE = Path.of("data-samples", "sample");

    @TempDir
    Path directory;

    @Test
    void committedSampleIsByteIdenticalToAFreshRun() throws IOException {
        assertTrue(Files.isDirectory(SAMPLE), "run from the project directory: " + SAMPLE.toAbsolutePath());
        GeneratorSummary summary = new SyntheticDataGenerator(GenerateSample.sampleConfig()).generate(directory);
        for (String file : summary.filesWritten()) {
            if (file.startsWith("truth/")) {
                assertSameTruth(SAMPLE.resolve(file), directory.resolve(file), file);
            } else {
                assertArrayEquals(Files.readAllBytes(SAMPLE.resolve(file)), Files.readAllBytes(directory.resolve(file)),
                        file + " differs from a fresh run; regenerate data-samples/sample with GenerateSample");
            }
        }
    }

    /**
     * The truth files print hidden parameters with every digit of a double. Math.pow, exp and log may differ in the last
     * unit between processors (the JIT uses each processor's own instructions), so those values are compared to 1e-12
     * relative; every other field, and every generated data file, must be identical.
     */
    private static void assertSameTruth(Path committed, Path fresh, String file) throws IOException {
        List<String> expected = Files.readAllLines(committed);
        List<String> actual = Files.readAllLines(fresh);
        assertEquals(expected.size(), actual.size(), file + ": rows");
        for (int row = 0; row < expected.size(); row++) {
            String[] want = expected.get(row).split(",", -1);
            String[] got = actual.get(row).split(",", -1);
            assertEquals(want.length, got.length, file + " row " + row);
            for (int field = 0; field < want.length; field++) {
                if (want[field].equals(got[field])) {
                    continue;
                }
                double a = Double.parseDouble(want[field]);
                double b = Double.parseDouble(got[field]);
                assertTrue(Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)),
                        file + " row " + row + " field " + field + ": " + want[field] + " against " + got[field]
                                + "; regenerate data-samples/sample with GenerateSample");
            }
        }
    }

    @Test
    void committedSampleStaysWithinFiveMegabytes() throws IOException {
        long bytes = 0;
        try (var files = Files.walk(SAMPLE)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                bytes += Files.size(file);
            }
        }
        assertTrue(bytes <= 5L * 1024 * 1024, bytes + " bytes");
        assertTrue(List.of("customers.csv", "products.csv", "transactions.csv.gz", "truth/customer_truth.csv",
                "manifest.json").stream().allMatch(file -> Files.isRegularFile(SAMPLE.resolve(file))));
    }
}
