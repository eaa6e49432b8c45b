package dev.onetoone.generate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads the generator's CSV files in tests; the files never quote, so a plain split is exact. */
final class GeneratedFiles {

    private GeneratedFiles() {
    }

    /** Data rows (header removed), each split into its fields, trailing empty fields kept. */
    static List<String[]> rows(Path file) throws IOException {
        List<String> lines = lines(file);
        List<String[]> rows = new ArrayList<>(lines.size());
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.split(",", -1));
        }
        return rows;
    }

    static String header(Path file) throws IOException {
        return lines(file).get(0);
    }

    static List<String> lines(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    /** "12.34" or "-0.05" as cents, insisting on exactly two decimals. */
    static long cents(String decimal) {
        int point = decimal.indexOf('.');
        if (point < 0 || decimal.length() - point != 3) {
            throw new IllegalArgumentException("not a two-decimal amount: " + decimal);
        }
        boolean negative = decimal.startsWith("-");
        String digits = decimal.replace("-", "").replace(".", "");
        long value = Long.parseLong(digits);
        return negative ? -value : value;
    }
}
