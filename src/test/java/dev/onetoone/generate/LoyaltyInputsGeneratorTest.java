package dev.onetoone.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample's redemptions and referrals are what the generator writes from the sample's own customers and transactions. */
class LoyaltyInputsGeneratorTest {
    private static final Path SAMPLE = Path.of("data-samples", "sample");

    @Test
    void theCommittedEventsAreWhatTheGeneratorWritesFromTheSample(@TempDir Path directory) throws IOException {
        Files.copy(SAMPLE.resolve("customers.csv"), directory.resolve("customers.csv"));
        Files.copy(SAMPLE.resolve("transactions.csv.gz"), directory.resolve("transactions.csv.gz"));
        LoyaltyInputsGenerator.Summary summary = LoyaltyInputsGenerator.write(directory, "transactions.csv.gz", 42L, true);
        for (String file : List.of("redemptions.csv", "referrals.csv")) {
            assertArrayEquals(Files.readAllBytes(SAMPLE.resolve(file)), Files.readAllBytes(directory.resolve(file)), file);
        }
        assertEquals(Files.readAllLines(SAMPLE.resolve("redemptions.csv")).size() - 1, summary.redemptions());
    }

    @Test
    void everyEventNamesACustomerOfTheSampleAndReferralsPrecedeTheFirstPurchase() throws IOException {
        Set<String> customers = new HashSet<>();
        for (String line : Files.readAllLines(SAMPLE.resolve("customers.csv")).subList(1, Files.readAllLines(SAMPLE.resolve("customers.csv")).size())) {
            customers.add(line.split(",")[0]);
        }
        for (String line : Files.readAllLines(SAMPLE.resolve("redemptions.csv")).subList(1, Files.readAllLines(SAMPLE.resolve("redemptions.csv")).size())) {
            String[] fields = line.split(",", -1);
            assertTrue(customers.contains(fields[1]), line);
            assertTrue(Long.parseLong(fields[2]) >= 100 && Long.parseLong(fields[2]) % 100 == 0, line);
        }
        List<String> referrals = Files.readAllLines(SAMPLE.resolve("referrals.csv"));
        Set<String> referred = new HashSet<>();
        int repeated = 0;
        for (String line : referrals.subList(1, referrals.size())) {
            String[] fields = line.split(",", -1);
            assertTrue(customers.contains(fields[0]) && customers.contains(fields[1]), line);
            repeated += referred.add(fields[1]) ? 0 : 1;
        }
        assertEquals(2, repeated, "the second referral of a referred customer and the self-referral of a referred customer");
    }
}
