package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fits BG/NBD and MBG/NBD to the CDNOW sample (2,357 customers, weeks) and compares with the published estimates:
 * Fader, Hardie &amp; Lee (2005), section 5, for BG/NBD, which also checks the fixture; and, for MBG/NBD, the estimates
 * of the BTYDplus package that the lifetimes package's tests assert (r 0.525, alpha 6.183, a 0.891, b 1.614).
 */
class CdnowFitTest {

    private static double[] x;
    private static double[] recency;
    private static double[] age;

    @BeforeAll
    static void load() throws IOException {
        double[][] summaries = summaries();
        x = summaries[0];
        recency = summaries[1];
        age = summaries[2];
    }

    /** The CDNOW summaries as columns: x, t_x and T (weeks). */
    static double[][] summaries() throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (var reader = new BufferedReader(new InputStreamReader(
                CdnowFitTest.class.getResourceAsStream("/cdnow/cdnow_customers_summary.txt"), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] fields = line.trim().split("\\s+");
                rows.add(new double[] {Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2])});
            }
        }
        return new double[][] {rows.stream().mapToDouble(row -> row[0]).toArray(), rows.stream().mapToDouble(row -> row[1]).toArray(),
            rows.stream().mapToDouble(row -> row[2]).toArray()};
    }

    @Test
    void fixtureHoldsThePublishedCustomerAndPurchaseCounts() {
        // 2,357 customers, 2,457 repeat purchases in weeks 1-39, 1,411 customers without a repeat purchase
        assertEquals(2357, x.length);
        assertEquals(2457.0, java.util.Arrays.stream(x).sum(), 0.0);
        assertEquals(1411, java.util.Arrays.stream(x).filter(value -> value == 0).count());
    }

    @Test
    void bgNbdFitReproducesFaderHardieLee() {
        FitResult fit = new MaximumLikelihoodFitter().fit(InMemoryObjective.bgNbd(x, recency, age, null), new double[] {1, 1, 1, 1});
        assertTrue(fit.converged(), fit.message());
        double[] expected = {0.243, 4.414, 0.793, 2.426};
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], fit.parameters()[k], 0.0015 * Math.max(1.0, expected[k]), "parameter " + k);
        }
        // Fader, Hardie & Lee (2005): log-likelihood -9582.4
        assertEquals(-9582.4, fit.logLikelihood(), 0.1);
    }

    @Test
    void mbgNbdFitReproducesThePublishedEstimates() {
        FitResult fit = new MaximumLikelihoodFitter().fit(InMemoryObjective.mbgNbd(x, recency, age, null), new double[] {1, 1, 1, 1});
        assertTrue(fit.converged(), fit.message());
        double[] expected = {0.525, 6.183, 0.891, 1.614};
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], fit.parameters()[k], 0.0015 * Math.max(1.0, expected[k]), "parameter " + k);
        }
        MbgNbdParameters fitted = MbgNbdParameters.fromArray(fit.parameters());
        // lifetimes' tests: with the MBG/NBD fit, the CDNOW example customer (x 2, t_x 30.43, T 38.86) expects
        // within 0.05 of BG/NBD's 1.226 purchases in the next 39 weeks, and the unconditional expectations are
        // within 5 % of Hardie's BG/NBD spreadsheet values
        assertEquals(1.226, MbgNbd.conditionalExpectedPurchases(fitted, 2, 30.43, 38.86, 39.0), 0.05);
        double[] weeks = {0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00};
        double[] spreadsheet = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576};
        for (int i = 0; i < weeks.length; i++) {
            assertEquals(spreadsheet[i], MbgNbd.expectedPurchases(fitted, weeks[i]), 0.05 * spreadsheet[i], "t=" + weeks[i]);
        }
    }
}
