package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {

    private static void assertRelative(double expected, double actual, double tolerance) {
        assertEquals(expected, actual, tolerance * Math.max(1.0, Math.abs(expected)),
                () -> "expected " + expected + " got " + actual);
    }

    @Test
    void logGammaOfOneHalfIsLogSquareRootOfPi() {
        assertRelative(0.5 * Math.log(Math.PI), SpecialFunctions.logGamma(0.5), 1e-14);
    }

    @Test
    void logGammaMatchesLogFactorialsAndTabulatedValues() {
        // Near the zeros at 1 and 2 the error is absolute (the recurrence subtracts two values near 15).
        assertEquals(0.0, SpecialFunctions.logGamma(1.0), 1e-14);
        assertEquals(0.0, SpecialFunctions.logGamma(2.0), 1e-14);
        assertRelative(Math.log(120.0), SpecialFunctions.logGamma(6.0), 1e-14);
        // log(99!) = 359.13420536957539877604...; log Gamma(1e-3) = 6.907178885383853 (Wolfram Alpha).
        assertRelative(359.1342053695754, SpecialFunctions.logGamma(100.0), 1e-15);
        assertRelative(6.907178885383853, SpecialFunctions.logGamma(1e-3), 1e-14);
        // log Gamma(1e6) by Stirling with the first correction term, exact to double precision there.
        double large = 1e6;
        double stirling = (large - 0.5) * Math.log(large) - large + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * large);
        assertRelative(stirling, SpecialFunctions.logGamma(large), 1e-15);
    }

    @Test
    void logGammaSatisfiesTheRecurrence() {
        for (double x = 0.05; x < 30.0; x += 0.37) {
            assertRelative(SpecialFunctions.logGamma(x) + Math.log(x), SpecialFunctions.logGamma(x + 1.0), 2e-15);
        }
    }

    @Test
    void digammaOfOneIsMinusEulersConstant() {
        assertEquals(-0.5772156649015329, SpecialFunctions.digamma(1.0), 1e-15);
        // psi(1/2) = -gamma - 2 log 2 (A&S 6.3.3).
        assertEquals(-0.5772156649015329 - 2 * Math.log(2), SpecialFunctions.digamma(0.5), 1e-15);
        // psi(n+1) = -gamma + H_n.
        double harmonic = 0.0;
        for (int k = 1; k <= 40; k++) {
            harmonic += 1.0 / k;
        }
        assertRelative(-0.5772156649015329 + harmonic, SpecialFunctions.digamma(41.0), 1e-15);
    }

    @Test
    void digammaIsTheDerivativeOfLogGamma() {
        for (double x : new double[] {0.03, 0.7, 3.3, 9.99, 10.01, 55.0, 1234.5}) {
            double h = 1e-5 * x;
            double difference = (SpecialFunctions.logGamma(x + h) - SpecialFunctions.logGamma(x - h)) / (2 * h);
            assertEquals(difference, SpecialFunctions.digamma(x), 1e-7 * Math.max(1, Math.abs(difference)));
        }
    }

    @Test
    void logBetaMatchesClosedForm() {
        // B(2, 3) = 1/12, B(1/2, 1/2) = pi.
        assertRelative(Math.log(1.0 / 12.0), SpecialFunctions.logBeta(2.0, 3.0), 1e-15);
        assertRelative(Math.log(Math.PI), SpecialFunctions.logBeta(0.5, 0.5), 1e-14);
    }

    @Test
    void logSpaceHelpersDoNotOverflowOrLosePrecision() {
        assertEquals(1000.0 + Math.log(2), SpecialFunctions.logSumExp(1000.0, 1000.0), 1e-12);
        assertEquals(-1000.0, SpecialFunctions.logSumExp(-1000.0, Double.NEGATIVE_INFINITY), 0.0);
        assertEquals(800.0, SpecialFunctions.log1pExp(800.0), 0.0);
        assertEquals(Math.exp(-50.0), SpecialFunctions.log1pExp(-50.0), 1e-35);
        assertEquals(Math.log(2.0), SpecialFunctions.log1pExp(0.0), 1e-16);
        // log(e^a - e^b) with a - b = 2^-33 (exact in binary) keeps relative precision: b + log(expm1(a - b)).
        double gap = Math.scalb(1.0, -33);
        assertRelative(500.0 + Math.log(Math.expm1(gap)), SpecialFunctions.logDiffExp(500.0 + gap, 500.0), 1e-15);
        assertEquals(Double.NEGATIVE_INFINITY, SpecialFunctions.logDiffExp(3.0, 3.0), 0.0);
        assertTrue(Double.isNaN(SpecialFunctions.logDiffExp(2.0, 3.0)));
    }

    @Test
    void hypergeometricOneOneTwoIsMinusLogOneMinusZOverZ() {
        for (double z : new double[] {1e-8, 0.1, 0.5, 0.9, 0.999}) {
            double expected = Math.log(-Math.log1p(-z) / z);
            assertEquals(expected, SpecialFunctions.logHypergeometric2F1(1.0, 1.0, 2.0, z), 1e-13);
        }
    }

    @Test
    void hypergeometricWithEqualLowerAndUpperParameterIsABinomialPower() {
        // 2F1(a, b; b; z) = (1 - z)^-a (A&S 15.1.8).
        assertEquals(-3.7 * Math.log1p(-0.6), SpecialFunctions.logHypergeometric2F1(3.7, 2.2, 2.2, 0.6), 1e-13);
        assertRelative(-650.0 * Math.log1p(-0.8), SpecialFunctions.logHypergeometric2F1(650.0, 4.0, 4.0, 0.8),
                1e-13);
    }

    @Test
    void hypergeometricOfNegativeArgumentUsesPfaffTransformation() {
        // 2F1(1, 1; 2; z) = -log(1 - z) / z also for z < 0; z = -3 lies outside the series' disc.
        double z = -3.0;
        assertEquals(Math.log(-Math.log1p(-z) / z), SpecialFunctions.logHypergeometric2F1(1.0, 1.0, 2.0, z), 1e-13);
    }

    @Test
    void hypergeometricWithParametersInTheHundredsMatchesAHighPrecisionSeries() {
        // The Pareto/NBD shape 2F1(r+s+x, s+1; r+s+x+1; z) and its Pfaff partner with x = 300..1000.
        double[][] cases = {
            {300.0 + 0.553 + 0.606, 1.606, 301.0 + 0.553 + 0.606, 0.7},
            {1000.553 + 0.606, 1000.553, 1001.553 + 0.606, 0.45},
            {500.0, 500.0, 501.0, 0.95},
            {2.5, 700.25, 3.5, 0.3},
            {0.75, 1.2, 0.4, 0.999},
        };
        for (double[] parameters : cases) {
            double expected = logHighPrecisionSeries(parameters[0], parameters[1], parameters[2], parameters[3]);
            double actual = SpecialFunctions.logHypergeometric2F1(parameters[0], parameters[1], parameters[2],
                    parameters[3]);
            assertTrue(Double.isFinite(actual), "finite for " + java.util.Arrays.toString(parameters));
            assertEquals(expected, actual, 1e-11 * Math.max(1.0, Math.abs(expected)),
                    () -> java.util.Arrays.toString(parameters));
        }
    }

    @Test
    void hypergeometricRefusesArgumentsTooCloseToOneInsteadOfReturningGarbage() {
        assertTrue(Double.isNaN(SpecialFunctions.logHypergeometric2F1(1000.0, 1000.0, 1001.0, 1 - 1e-9)));
    }

    /** Gauss series in 60-digit decimal arithmetic, summed until terms fall below 1e-40 of the sum. */
    private static double logHighPrecisionSeries(double a, double b, double c, double z) {
        MathContext context = new MathContext(60, RoundingMode.HALF_EVEN);
        BigDecimal bigA = new BigDecimal(a);
        BigDecimal bigB = new BigDecimal(b);
        BigDecimal bigC = new BigDecimal(c);
        BigDecimal bigZ = new BigDecimal(z);
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal threshold = new BigDecimal("1e-40");
        for (int n = 0; n < 2_000_000; n++) {
            BigDecimal index = BigDecimal.valueOf(n);
            BigDecimal numerator = bigA.add(index).multiply(bigB.add(index)).multiply(bigZ);
            BigDecimal denominator = bigC.add(index).multiply(index.add(BigDecimal.ONE));
            term = term.multiply(numerator, context).divide(denominator, context);
            sum = sum.add(term, context);
            if (n > 10 && numerator.compareTo(denominator) < 0
                    && term.abs().compareTo(sum.abs().multiply(threshold)) < 0) {
                break;
            }
        }
        // log of a huge decimal: log(unscaled mantissa) - scale log 10.
        BigDecimal rounded = sum.round(new MathContext(17));
        return Math.log(rounded.unscaledValue().doubleValue()) - rounded.scale() * Math.log(10.0);
    }
}
