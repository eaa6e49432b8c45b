package dev.onetoone.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The hidden structure shows in the generated lines as the manifest and truth/customer_structure.csv say it was drawn.
 * Every expected value comes from the generating rule, not from a run.
 */
class SyntheticHiddenStructureTest {

    private static final LocalDate START = LocalDate.of(2024, 1, 1);
    private static final LocalDate END = LocalDate.of(2025, 12, 31);
    private static final int CUSTOMERS = 2_000;

    @TempDir
    Path directory;

    /**
     * A wholesale basket's target is 6 times the Gamma-Gamma value whose mean, p / nu, the truth file records; the
     * randomised rounding keeps a basket's expected total at its target. So, summed over baskets, the realised amount
     * over p / nu is about 1 for households and 6 for wholesale buyers. Wholesale lines are whole cases of 12, household
     * lines at most 4 units. The wholesale share is Binomial(2000, 0.25): standard deviation 0.0097.
     */
    @Test
    void wholesaleBuyersSpendSixTimesTheirBasketValueInCasesOfTwelve() throws IOException {
        Path out = generate(HiddenStructure.none().withWholesaleShare(0.25), 11L);
        Map<String, Boolean> wholesale = new HashMap<>();
        for (String[] row : GeneratedFiles.rows(out.resolve("truth/customer_structure.csv"))) {
            wholesale.put(row[0], Boolean.parseBoolean(row[1]));
        }
        long wholesaleCount = wholesale.values().stream().filter(flag -> flag).count();
        assertEquals(0.25, wholesaleCount / (double) CUSTOMERS, 0.04, "wholesale share");
        assertEquals(wholesaleCount, manifest(out).path("hidden_structure").path("wholesale_customers").asLong());

        Map<String, Double> expectedSpend = new HashMap<>();
        Map<String, Integer> baskets = new HashMap<>();
        for (String[] row : GeneratedFiles.rows(out.resolve("truth/customer_truth.csv"))) {
            expectedSpend.put(row[0], Double.parseDouble(row[9]));
            baskets.put(row[0], Integer.parseInt(row[14]));
        }
        double[] expected = new double[2];
        double[] realised = new double[2];
        for (Map.Entry<String, Integer> customer : baskets.entrySet()) {
            expected[wholesale.get(customer.getKey()) ? 1 : 0] += customer.getValue() * expectedSpend.get(customer.getKey());
        }
        int householdMaxQuantity = 0;
        for (String[] line : GeneratedFiles.rows(out.resolve("transactions.csv"))) {
            if (!line[0].startsWith("T")) {
                continue;
            }
            boolean buyer = wholesale.get(line[1]);
            int quantity = Integer.parseInt(line[5]);
            realised[buyer ? 1 : 0] += GeneratedFiles.cents(line[8]) / 100.0;
            if (buyer) {
                assertEquals(0, quantity % HiddenStructure.WHOLESALE_CASE_SIZE, "wholesale quantity " + quantity);
            } else {
                householdMaxQuantity = Math.max(householdMaxQuantity, quantity);
            }
        }
        double householdRatio = realised[0] / expected[0];
        double wholesaleRatio = realised[1] / expected[1];
        System.out.printf("wholesale share %.4f; realised over expected spend: households %.3f, wholesale %.3f%n",
                wholesaleCount / (double) CUSTOMERS, householdRatio, wholesaleRatio);
        assertEquals(1.0, householdRatio, 0.1, "households");
        assertEquals(HiddenStructure.WHOLESALE_SPEND_FACTOR, wholesaleRatio, 0.6, "wholesale buyers");
        assertTrue(householdMaxQuantity <= 4, "household quantity " + householdMaxQuantity);
    }

    /**
     * A seasonal product's weight is multiplied by exp(kappa (cos(theta) - 1)), theta = 2 pi (month position - peak) / 12.
     * With peaks spread over the year, the share of its lines in its peak month is at most the bump's mass within
     * pi / 12 of the peak over its mass on the circle (integrated here numerically, 0.33 for kappa = 3): a customer whose
     * own picks are mostly that product redraws among fewer products off season, which flattens the share a little.
     * It stays well above 3 times the uniform 1/12. Half a year away the bump is exp(-6): below 1% of the lines.
     * Products without a season have no month far above 1/12 (only the customers' arrival over the two years tilts it).
     */
    @Test
    void seasonalProductsSellAThirdOfTheirLinesInTheirPeakMonth() throws IOException {
        Path out = generate(HiddenStructure.none().withSeasonalShare(0.3), 12L);
        JsonNode products = manifest(out).path("hidden_structure").path("products");
        Map<String, Integer> peak = new HashMap<>();
        products.fields().forEachRemaining(entry -> peak.put(entry.getKey(), entry.getValue().path("peak_month").asInt()));
        long seasonal = peak.values().stream().filter(month -> month > 0).count();
        assertEquals(0.3, seasonal / (double) peak.size(), 0.1, "seasonal share of " + peak.size() + " products");

        long[] byOffset = new long[12];
        long[] nonSeasonalByMonth = new long[12];
        for (String[] line : GeneratedFiles.rows(out.resolve("transactions.csv"))) {
            if (!line[0].startsWith("T")) {
                continue;
            }
            int month = Integer.parseInt(line[2].substring(5, 7));
            int peakMonth = peak.get(line[3]);
            if (peakMonth > 0) {
                byOffset[Math.floorMod(month - peakMonth, 12)]++;
            } else {
                nonSeasonalByMonth[month - 1]++;
            }
        }
        double expectedPeakShare = bumpMass(Math.PI / 12) / bumpMass(Math.PI);
        double peakShare = byOffset[0] / (double) sum(byOffset);
        double oppositeShare = byOffset[6] / (double) sum(byOffset);
        double busiestNonSeasonal = max(nonSeasonalByMonth) / (double) sum(nonSeasonalByMonth);
        System.out.printf("seasonal lines in their peak month %.3f (bump says %.3f), half a year away %.4f; "
                + "busiest month of the other products %.3f%n", peakShare, expectedPeakShare, oppositeShare,
                busiestNonSeasonal);
        assertTrue(peakShare > 3.0 / 12 && peakShare < expectedPeakShare + 0.03, "peak month " + peakShare);
        assertTrue(oppositeShare < 0.01, "opposite month " + oppositeShare);
        assertTrue(busiestNonSeasonal < 0.13, "busiest month without seasons " + busiestNonSeasonal);
    }

    /**
     * With taste, every product a customer buys was first picked with weight popularity * exp(s x), x = u . v / sqrt(K)
     * standard normal across products: exponential tilting of a standard normal by s moves its mean to s, so the bought
     * products' x averages clearly above 0 (somewhat below s = 1, because a category holds only a few dozen products and
     * popularity competes). With strength 0 the same vectors are drawn but unused, and x averages 0.
     */
    @Test
    void customersBuyProductsAlignedWithTheirTasteOnlyWhenTasteHasStrength() throws IOException {
        double tasted = meanTasteAlignment(generate(HiddenStructure.none().withTaste(3, 1.0), 13L));
        double untasted = meanTasteAlignment(generate(HiddenStructure.none().withTaste(3, 0.0), 13L));
        System.out.printf("mean u.v/sqrt(K) over bought lines: strength 1 %.3f, strength 0 %.3f%n", tasted, untasted);
        assertTrue(tasted > 0.4, "strength 1: " + tasted);
        assertEquals(0.0, untasted, 0.1, "strength 0");
    }

    private double meanTasteAlignment(Path out) throws IOException {
        Map<String, double[]> productTaste = new HashMap<>();
        manifest(out).path("hidden_structure").path("products").fields().forEachRemaining(entry -> {
            JsonNode vector = entry.getValue().path("taste");
            double[] values = new double[vector.size()];
            for (int factor = 0; factor < values.length; factor++) {
                values[factor] = vector.get(factor).asDouble();
            }
            productTaste.put(entry.getKey(), values);
        });
        Map<String, double[]> customerTaste = new HashMap<>();
        List<String[]> rows = GeneratedFiles.rows(out.resolve("truth/customer_structure.csv"));
        for (String[] row : rows) {
            double[] values = new double[row.length - 2];
            for (int factor = 0; factor < values.length; factor++) {
                values[factor] = Double.parseDouble(row[2 + factor]);
            }
            customerTaste.put(row[0], values);
        }
        double total = 0.0;
        long lines = 0;
        for (String[] line : GeneratedFiles.rows(out.resolve("transactions.csv"))) {
            if (!line[0].startsWith("T")) {
                continue;
            }
            double[] u = customerTaste.get(line[1]);
            double[] v = productTaste.get(line[3]);
            double dot = 0.0;
            for (int factor = 0; factor < u.length; factor++) {
                dot += u[factor] * v[factor];
            }
            total += dot / Math.sqrt(u.length);
            lines++;
        }
        return total / lines;
    }

    private Path generate(HiddenStructure structure, long seed) throws IOException {
        Path out = directory.resolve("seed-" + seed + "-" + structure.tasteStrength());
        new SyntheticDataGenerator(GeneratorConfig.of(CUSTOMERS, START, END, seed).withStructure(structure))
                .generate(out);
        return out;
    }

    private static JsonNode manifest(Path out) throws IOException {
        return new ObjectMapper().readTree(Files.readString(out.resolve("manifest.json")));
    }

    /** Integral of exp(kappa (cos(theta) - 1)) over [-half, half], by the midpoint rule with 20,000 steps. */
    private static double bumpMass(double half) {
        int steps = 20_000;
        double width = 2 * half / steps;
        double mass = 0.0;
        for (int step = 0; step < steps; step++) {
            double theta = -half + (step + 0.5) * width;
            mass += Math.exp(HiddenStructure.SEASONAL_CONCENTRATION * (Math.cos(theta) - 1.0)) * width;
        }
        return mass;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long value : values) {
            total += value;
        }
        return total;
    }

    private static long max(long[] values) {
        long largest = 0;
        for (long value : values) {
            largest = Math.max(largest, value);
        }
        return largest;
    }
}
