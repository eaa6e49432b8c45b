package dev.onetoone.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File layout, determinism and row-level invariants of a small generated data set. */
class SyntheticDataGeneratorTest {

    private static final LocalDate START = LocalDate.of(2024, 1, 1);
    private static final LocalDate END = LocalDate.of(2024, 12, 31);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final List<String> FILES = List.of("customers.csv", "products.csv", "transactions.csv",
            "truth/customer_truth.csv", "manifest.json");

    @TempDir
    static Path directory;

    private static Path generated;
    private static GeneratorSummary summary;

    @BeforeAll
    static void generateOnce() throws IOException {
        generated = directory.resolve("base");
        // A higher return rate than the default gives enough return rows to test with 400 customers.
        summary = new SyntheticDataGenerator(config(7L).withReturnRate(0.10)).generate(generated);
    }

    private static GeneratorConfig config(long seed) {
        return GeneratorConfig.of(400, START, END, seed);
    }

    @Test
    void writesEveryFileWithTheAgreedHeaders() throws IOException {
        for (String file : FILES) {
            assertTrue(Files.isRegularFile(generated.resolve(file)), file);
        }
        assertEquals(FILES, summary.filesWritten());
        assertEquals("transaction_id,customer_id,ts,product_id,category,quantity,unit_price,discount,amount,channel,"
                + "store_id,offer_id", GeneratedFiles.header(generated.resolve("transactions.csv")));
        assertEquals("customer_id,signup_date,country,birth_date,consent_email,consent_sms,consent_push,opt_out",
                GeneratedFiles.header(generated.resolve("customers.csv")));
        assertEquals("product_id,name,category,price,unit_cost,replenishable",
                GeneratedFiles.header(generated.resolve("products.csv")));
    }

    @Test
    void sameSeedGivesByteIdenticalFiles() throws IOException {
        Path again = directory.resolve("again");
        new SyntheticDataGenerator(config(7L).withReturnRate(0.10)).generate(again);
        for (String file : FILES) {
            assertArrayEquals(Files.readAllBytes(generated.resolve(file)), Files.readAllBytes(again.resolve(file)), file);
        }
    }

    @Test
    void differentSeedGivesDifferentTransactions() throws IOException {
        Path other = directory.resolve("other");
        new SyntheticDataGenerator(config(8L).withReturnRate(0.10)).generate(other);
        assertFalse(Files.mismatch(generated.resolve("transactions.csv"), other.resolve("transactions.csv")) < 0);
        assertFalse(Files.mismatch(generated.resolve("truth/customer_truth.csv"),
                other.resolve("truth/customer_truth.csv")) < 0);
    }

    @Test
    void everyLineAmountIsQuantityTimesUnitPriceMinusDiscountToTheCent() throws IOException {
        for (String[] row : GeneratedFiles.rows(generated.resolve("transactions.csv"))) {
            long quantity = Long.parseLong(row[5]);
            long unitPrice = GeneratedFiles.cents(row[6]);
            long discount = GeneratedFiles.cents(row[7]);
            long amount = GeneratedFiles.cents(row[8]);
            assertEquals(quantity * unitPrice - discount, amount, String.join(",", row));
            assertTrue(unitPrice > 0, "list price is positive");
            // Promotions take at most 30 percent of the line value.
            assertTrue(Math.abs(discount) <= Math.round(0.30 * Math.abs(quantity * unitPrice)), "discount within 30%");
        }
    }

    @Test
    void returnsAreNegativeLaterThanTheirPurchaseAndNeverAfterTheEnd() throws IOException {
        List<String[]> rows = GeneratedFiles.rows(generated.resolve("transactions.csv"));
        Map<String, LocalDateTime> purchaseTimes = new HashMap<>();
        for (String[] row : rows) {
            if (row[0].startsWith("T")) {
                purchaseTimes.put(row[0], LocalDateTime.parse(row[2], TIMESTAMP));
            }
        }
        int returns = 0;
        for (String[] row : rows) {
            if (!row[0].startsWith("R")) {
                assertTrue(Long.parseLong(row[5]) > 0 && GeneratedFiles.cents(row[8]) > 0, "purchases are positive");
                continue;
            }
            returns++;
            assertTrue(Long.parseLong(row[5]) < 0, "return quantity is negative");
            assertTrue(GeneratedFiles.cents(row[8]) < 0, "return amount is negative");
            LocalDateTime purchased = purchaseTimes.get(row[0].substring(1));
            LocalDateTime returned = LocalDateTime.parse(row[2], TIMESTAMP);
            assertTrue(returned.isAfter(purchased.plusHours(23)) && !returned.isAfter(purchased.plusDays(20)),
                    "returned 1-20 days after purchase");
            assertFalse(returned.toLocalDate().isAfter(END), "return not after end");
        }
        assertEquals(summary.returnLines(), returns);
        assertTrue(returns > 0, "some returns at a 10% return rate");
    }

    @Test
    void noTimestampFallsOutsideTheWindow() throws IOException {
        LocalDateTime first = START.atStartOfDay();
        LocalDateTime last = END.atTime(23, 59, 59);
        for (String[] row : GeneratedFiles.rows(generated.resolve("transactions.csv"))) {
            LocalDateTime timestamp = LocalDateTime.parse(row[2], TIMESTAMP);
            assertFalse(timestamp.isBefore(first) || timestamp.isAfter(last), row[2]);
        }
    }

    @Test
    void storeIdIsSetExactlyForStoreChannelAndOfferIdIsEmpty() throws IOException {
        Set<String> channels = new HashSet<>();
        for (String[] row : GeneratedFiles.rows(generated.resolve("transactions.csv"))) {
            assertEquals(12, row.length);
            channels.add(row[9]);
            assertEquals(row[9].equals("store"), !row[10].isEmpty(), String.join(",", row));
            assertEquals("", row[11]);
        }
        assertEquals(Set.of("store", "web", "app"), channels);
    }

    @Test
    void aTransactionIdBelongsToOneCustomerAtOneTime() throws IOException {
        Map<String, String> owner = new HashMap<>();
        Set<String> baskets = new HashSet<>();
        for (String[] row : GeneratedFiles.rows(generated.resolve("transactions.csv"))) {
            String key = row[1] + "|" + row[2];
            String previous = owner.putIfAbsent(row[0], key);
            assertTrue(previous == null || previous.equals(key), row[0]);
            if (row[0].startsWith("T")) {
                baskets.add(row[0]);
            }
        }
        assertEquals(summary.baskets(), baskets.size());
    }

    @Test
    void basketCountsPerCustomerMatchTheTruthFile() throws IOException {
        Map<String, Set<String>> basketsByCustomer = new HashMap<>();
        for (String[] row : GeneratedFiles.rows(generated.resolve("transactions.csv"))) {
            if (row[0].startsWith("T")) {
                basketsByCustomer.computeIfAbsent(row[1], key -> new HashSet<>()).add(row[0]);
            }
        }
        List<String[]> truth = GeneratedFiles.rows(generated.resolve("truth/customer_truth.csv"));
        assertEquals(400, truth.size());
        for (String[] customer : truth) {
            assertEquals(Integer.parseInt(customer[14]), basketsByCustomer.get(customer[0]).size(), customer[0]);
        }
    }

    @Test
    void signupIsNoLaterThanTheFirstPurchaseAndAboutThirtyPercentLackABirthDate() throws IOException {
        Map<String, LocalDate> firstPurchase = new HashMap<>();
        for (String[] row : GeneratedFiles.rows(generated.resolve("transactions.csv"))) {
            LocalDate day = LocalDateTime.parse(row[2], TIMESTAMP).toLocalDate();
            firstPurchase.merge(row[1], day, (left, right) -> left.isBefore(right) ? left : right);
        }
        List<String[]> customers = GeneratedFiles.rows(generated.resolve("customers.csv"));
        int missingBirthDates = 0;
        for (String[] customer : customers) {
            assertFalse(LocalDate.parse(customer[1]).isAfter(firstPurchase.get(customer[0])), customer[0]);
            if (customer[3].isEmpty()) {
                missingBirthDates++;
            }
            for (int column = 4; column <= 7; column++) {
                assertTrue(customer[column].equals("true") || customer[column].equals("false"));
            }
        }
        // Binomial(400, 0.3): mean 120, standard deviation 9.2; five standard deviations either side.
        assertEquals(120.0, missingBirthDates, 46.0);
    }

    @Test
    void productsHaveMarginsBetweenFortyFiveAndEightyFivePercentOfPrice() throws IOException {
        List<String[]> products = GeneratedFiles.rows(generated.resolve("products.csv"));
        assertEquals(ProductCatalog.productCountFor(400), products.size());
        Set<String> categories = new HashSet<>();
        for (String[] product : products) {
            double price = GeneratedFiles.cents(product[3]);
            double cost = GeneratedFiles.cents(product[4]);
            // One cent of rounding either side.
            assertTrue(cost >= 0.45 * price - 1 && cost <= 0.85 * price + 1, String.join(",", product));
            categories.add(product[2]);
            assertEquals(!product[2].equals("electronics") && !product[2].equals("apparel"),
                    Boolean.parseBoolean(product[5]));
        }
        assertEquals(12, categories.size());
    }

    @Test
    void manifestNamesTheProcessParametersAndRealisedCounts() throws IOException {
        String manifest = Files.readString(generated.resolve("manifest.json"));
        assertTrue(manifest.contains("\"process\": \"BG_NBD\""));
        assertTrue(manifest.contains("\"time_unit\": \"weeks\""));
        assertTrue(manifest.contains("\"window_end_exclusive\": \"2025-01-01 00:00:00\""));
        assertTrue(manifest.contains("\"r\": 0.75"));
        assertTrue(manifest.contains("\"alpha\": 4.0"));
        assertTrue(manifest.contains("\"a\": 0.8"));
        assertTrue(manifest.contains("\"b\": 2.6"));
        assertTrue(manifest.contains("\"gamma\": 15.0"));
        assertTrue(manifest.contains("\"baskets\": " + summary.baskets()));
        assertTrue(manifest.contains("\"transaction_lines\": " + summary.transactionLines()));
    }

    @Test
    void frequentCustomersRebuyTheSameProducts() throws IOException {
        Map<String, Integer> linesByCustomer = new HashMap<>();
        Map<String, Set<String>> productsByCustomer = new HashMap<>();
        for (String[] row : GeneratedFiles.rows(generated.resolve("transactions.csv"))) {
            if (row[0].startsWith("T")) {
                linesByCustomer.merge(row[1], 1, Integer::sum);
                productsByCustomer.computeIfAbsent(row[1], key -> new HashSet<>()).add(row[3]);
            }
        }
        long lines = 0;
        long distinct = 0;
        for (Map.Entry<String, Integer> customer : linesByCustomer.entrySet()) {
            if (customer.getValue() >= 40) {
                lines += customer.getValue();
                distinct += productsByCustomer.get(customer.getKey()).size();
            }
        }
        assertTrue(lines > 0, "some customers with 40 or more lines");
        // Favourite sets and replenishment make most lines repeat purchases of a known product.
        assertTrue(distinct < 0.5 * lines, distinct + " distinct products in " + lines + " lines");
    }

    @Test
    void compressedTransactionsHoldTheSameRowsAsPlainOnes() throws IOException {
        Path compressed = directory.resolve("compressed");
        new SyntheticDataGenerator(config(7L).withReturnRate(0.10).withCompressedTransactions(true)).generate(compressed);
        assertEquals(GeneratedFiles.lines(generated.resolve("transactions.csv")),
                GeneratedFiles.lines(compressed.resolve("transactions.csv.gz")));
    }
}
