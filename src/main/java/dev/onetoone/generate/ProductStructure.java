package dev.onetoone.generate;

import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * The products' side of the {@link HiddenStructure} truth: each product's taste vector and, for seasonal products, the
 * peak month, drawn from one stream of the master seed; and, per window day, the seasonal keep-probability of each
 * peak month (a small table, 12 values per day, so a pick costs one lookup).
 */
final class ProductStructure {

    private static final int MONTHS = 12;

    private final double[][] tasteVectors;
    private final int[] peakMonths;
    private final double[][] keepProbabilityByDayAndMonth;

    private ProductStructure(double[][] tasteVectors, int[] peakMonths, double[][] keepProbabilityByDayAndMonth) {
        this.tasteVectors = tasteVectors;
        this.peakMonths = peakMonths;
        this.keepProbabilityByDayAndMonth = keepProbabilityByDayAndMonth;
    }

    /**
     * Draws the products' truth in a fixed order: for each product, first whether it is seasonal and its peak month
     * (only when seasonal products are on), then its K taste coordinates (only when taste is on).
     */
    static ProductStructure draw(HiddenStructure structure, int productCount, LocalDate start, int windowDays,
            SplittableRandom random) {
        int factors = structure.tasteFactors();
        double[][] vectors = new double[productCount][];
        int[] peaks = new int[productCount];
        for (int product = 0; product < productCount; product++) {
            if (structure.seasonalShare() > 0.0 && random.nextDouble() < structure.seasonalShare()) {
                peaks[product] = 1 + random.nextInt(MONTHS);
            }
            vectors[product] = standardNormalVector(random, factors);
        }
        double[][] keep = new double[windowDays][MONTHS];
        for (int day = 0; day < windowDays; day++) {
            LocalDate date = start.plusDays(day);
            // Month of the year as a continuous position: 0.5 is the middle of January, 11.5 of December.
            double position = date.getMonthValue() - 1 + (date.getDayOfMonth() - 0.5) / date.lengthOfMonth();
            for (int month = 1; month <= MONTHS; month++) {
                double angle = 2.0 * Math.PI * (position - (month - 0.5)) / MONTHS;
                keep[day][month - 1] = Math.exp(HiddenStructure.SEASONAL_CONCENTRATION * (Math.cos(angle) - 1.0));
            }
        }
        return new ProductStructure(vectors, peaks, keep);
    }

    /** K independent standard normal coordinates. */
    static double[] standardNormalVector(SplittableRandom random, int factors) {
        double[] vector = new double[factors];
        for (int factor = 0; factor < factors; factor++) {
            vector[factor] = RandomDistributions.standardNormal(random);
        }
        return vector;
    }

    double[] tasteVector(int product) {
        return tasteVectors[product];
    }

    /** Peak month 1-12, or 0 for a product without a season. */
    int peakMonth(int product) {
        return peakMonths[product];
    }

    boolean seasonal(int product) {
        return peakMonths[product] > 0;
    }

    int seasonalProducts() {
        int count = 0;
        for (int peak : peakMonths) {
            if (peak > 0) {
                count++;
            }
        }
        return count;
    }

    /** Probability that a pick of the product on the window day is kept: 1 for products without a season. */
    double keepProbability(int product, int windowDay) {
        int peak = peakMonths[product];
        if (peak == 0) {
            return 1.0;
        }
        int day = Math.max(0, Math.min(keepProbabilityByDayAndMonth.length - 1, windowDay));
        return keepProbabilityByDayAndMonth[day][peak - 1];
    }
}
