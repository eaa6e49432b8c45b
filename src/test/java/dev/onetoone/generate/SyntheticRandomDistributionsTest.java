package dev.onetoone.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;

/**
 * Sample moments of each sampler against the textbook moments. Tolerances are five standard errors:
 * sqrt(variance / n) for the mean and sqrt((m4 - s^4) / n) for the variance, with m4 the sample
 * fourth central moment, so a correct sampler fails with probability below one in a million.
 */
class SyntheticRandomDistributionsTest {

    private static final int DRAWS = 200_000;
    private static final double STANDARD_ERRORS = 5.0;

    @Test
    void gammaWithShapeBelowOneHasMeanShapeOverRateAndVarianceShapeOverRateSquared() {
        SplittableRandom random = new SplittableRandom(11);
        // Gamma(0.5, rate 2): mean 0.25, variance 0.125.
        assertMoments(() -> RandomDistributions.gamma(random, 0.5, 2.0), 0.25, 0.125);
    }

    @Test
    void gammaWithShapeAboveOneHasMeanShapeOverRateAndVarianceShapeOverRateSquared() {
        SplittableRandom random = new SplittableRandom(12);
        // Gamma(3, rate 0.5): mean 6, variance 12.
        assertMoments(() -> RandomDistributions.gamma(random, 3.0, 0.5), 6.0, 12.0);
    }

    @Test
    void betaHasMeanAOverAPlusBAndTheBetaVariance() {
        SplittableRandom random = new SplittableRandom(13);
        // Beta(2, 5): mean 2/7, variance ab / ((a+b)^2 (a+b+1)) = 10 / (49 * 8).
        assertMoments(() -> RandomDistributions.beta(random, 2.0, 5.0), 2.0 / 7.0, 10.0 / 392.0);
        // Beta(0.8, 2.6), the default dropout distribution: mean 0.8 / 3.4, variance 2.08 / (11.56 * 4.4).
        assertMoments(() -> RandomDistributions.beta(random, 0.8, 2.6), 0.8 / 3.4, 2.08 / (11.56 * 4.4));
    }

    @Test
    void poissonHasEqualMeanAndVarianceForSmallAndLargeMeans() {
        SplittableRandom random = new SplittableRandom(14);
        assertMoments(() -> RandomDistributions.poisson(random, 3.5), 3.5, 3.5);
        // Mean 250 runs the transformed-rejection branch.
        assertMoments(() -> RandomDistributions.poisson(random, 250.0), 250.0, 250.0);
    }

    @Test
    void exponentialHasMeanOneOverRateAndVarianceOneOverRateSquared() {
        SplittableRandom random = new SplittableRandom(15);
        assertMoments(() -> RandomDistributions.exponential(random, 2.0), 0.5, 0.25);
    }

    @Test
    void dirichletComponentsSumToOneAndHaveMeanConcentrationOverTotal() {
        SplittableRandom random = new SplittableRandom(16);
        double[] concentrations = {1.0, 0.5, 0.4};
        double total = 1.9;
        double[] sums = new double[3];
        for (int draw = 0; draw < DRAWS; draw++) {
            double[] shares = RandomDistributions.dirichlet(random, concentrations);
            assertEquals(1.0, shares[0] + shares[1] + shares[2], 1e-12);
            for (int index = 0; index < 3; index++) {
                sums[index] += shares[index];
            }
        }
        for (int index = 0; index < 3; index++) {
            double mean = concentrations[index] / total;
            // Marginal is Beta(alpha_i, total - alpha_i): variance mean (1 - mean) / (total + 1).
            double standardError = Math.sqrt(mean * (1.0 - mean) / (total + 1.0) / DRAWS);
            assertEquals(mean, sums[index] / DRAWS, STANDARD_ERRORS * standardError, "component " + index);
        }
    }

    @Test
    void logGammaMatchesFactorialsAndTheHalfIntegerValue() {
        assertEquals(Math.log(24.0), RandomDistributions.logGamma(5.0), 1e-12);
        assertEquals(Math.log(3628800.0), RandomDistributions.logGamma(11.0), 1e-11);
        assertEquals(0.5 * Math.log(Math.PI), RandomDistributions.logGamma(0.5), 1e-12);
    }

    private static void assertMoments(DoubleSupplier sampler, double expectedMean, double expectedVariance) {
        double[] values = new double[DRAWS];
        double sum = 0.0;
        for (int draw = 0; draw < DRAWS; draw++) {
            values[draw] = sampler.getAsDouble();
            assertTrue(Double.isFinite(values[draw]), "draw is finite");
            sum += values[draw];
        }
        double mean = sum / DRAWS;
        double secondMoment = 0.0;
        double fourthMoment = 0.0;
        for (double value : values) {
            double deviation = value - mean;
            double squared = deviation * deviation;
            secondMoment += squared;
            fourthMoment += squared * squared;
        }
        double variance = secondMoment / (DRAWS - 1);
        fourthMoment /= DRAWS;
        double meanError = Math.sqrt(expectedVariance / DRAWS);
        double varianceError = Math.sqrt((fourthMoment - variance * variance) / DRAWS);
        assertEquals(expectedMean, mean, STANDARD_ERRORS * meanError, "mean");
        assertEquals(expectedVariance, variance, STANDARD_ERRORS * varianceError, "variance");
    }
}
