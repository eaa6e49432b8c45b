package dev.onetoone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate} with the hidden-structure options spelled out at their defaults draws exactly what the generator drew
 * before those options existed: the shipped sample (2,500 customers, 2024-2025, seed 42, gzip) comes out byte for byte.
 */
class GenerateCommandTest {

    private static final Path SAMPLE = Path.of("data-samples", "sample");

    @TempDir
    Path directory;

    @Test
    void explicitDefaultStructureOptionsReproduceTheShippedSampleByteForByte() throws IOException {
        assertTrue(Files.isDirectory(SAMPLE), "run from the project directory: " + SAMPLE.toAbsolutePath());
        Path out = directory.resolve("sample");
        int exit = run("generate", "--customers", "2500", "--start", "2024-01-01", "--end", "2025-12-31", "--seed", "42",
                "--gzip", "--taste-factors", "0", "--taste-strength", "1.0", "--wholesale-share", "0",
                "--seasonal-share", "0", "--out", out.toString());
        assertEquals(0, exit);
        // The files SyntheticSampleTest holds to the committed sample byte for byte; the truth file prints exp/log results
        // to the last digit, which that test compares with a tolerance.
        for (String file : List.of("customers.csv", "products.csv", "transactions.csv.gz", "manifest.json")) {
            assertArrayEquals(Files.readAllBytes(SAMPLE.resolve(file)), Files.readAllBytes(out.resolve(file)), file);
        }
        assertFalse(Files.exists(out.resolve("truth/customer_structure.csv")),
                "no structure truth is written when the structure is off");
    }

    @Test
    void aShareOutsideZeroToOneIsAConfigurationErrorNamingTheOption() {
        StringWriter err = new StringWriter();
        int exit = OneToOneCli.execute(new String[] {"generate", "--customers", "10", "--start", "2024-01-01", "--end",
                "2024-01-31", "--wholesale-share", "1.5", "--out", directory.resolve("bad").toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertTrue(exit != 0, "exit code " + exit);
        assertTrue(err.toString().contains("wholesale-share"), err.toString());
    }

    private static int run(String... arguments) {
        return OneToOneCli.execute(arguments, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }
}
