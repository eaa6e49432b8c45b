package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GammaGammaTest {

    private static final GammaGammaParameters PARAMETERS = new GammaGammaParameters(6.0, 3.8, 15.0);
    private static final GaussLegendre RULE = new GaussLegendre(48);

    /**
     * Density of the mean of x transactions integrated over nu: given nu the mean is Gamma(p x, rate nu x),
     * nu ~ Gamma(q, rate gamma).
     */
    private static double integratedDensity(GammaGammaParameters parameters, double x, double m) {
        double p = parameters.p();
        double q = parameters.q();
        double gamma = parameters.gamma();
        double shape = p * x;
        return RULE.integratePiecewise(nu -> {
            double logMeanDensity = shape * Math.log(nu * x) - BgNbdTest.logGammaReference(shape)
                    + (shape - 1) * Math.log(m) - nu * x * m;
            double logMixing = q * Math.log(gamma) - BgNbdTest.logGammaReference(q) + (q - 1) * Math.log(nu)
                    - gamma * nu;
            return Math.exp(logMeanDensity + logMixing);
        }, 0.0, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3.0, 6.0);
    }

    @Test
    void logLikelihoodEqualsTheIntegralOverTheTransactionRate() {
        double[][] customers = {{1, 12.0}, {2, 30.5}, {5, 18.0}, {12, 25.0}};
        for (double[] customer : customers) {
            double integral = integratedDensity(PARAMETERS, customer[0], customer[1]);
            assertEquals(Math.log(integral), GammaGamma.logLikelihood(PARAMETERS, customer[0], customer[1]), 1e-9,
                    java.util.Arrays.toString(customer));
        }
    }

    @Test
    void densityOfTheMeanIntegratesToOne() {
        double total = RULE.integratePiecewise(m -> Math.exp(GammaGamma.logLikelihood(PARAMETERS, 3, m)),
                1e-9, 5, 10, 20, 40, 80, 200, 1000, 10000, 1e6);
        assertEquals(1.0, total, 1e-6);
    }

    @Test
    void analyticGradientMatchesCentralFiniteDifferences() {
        double[][] customers = {{1, 12.0}, {4, 2000.0}, {300, 25.0}, {1, 1e-3}};
        for (GammaGammaParameters parameters : new GammaGammaParameters[] {PARAMETERS,
            new GammaGammaParameters(0.3, 0.7, 1e4)}) {
            for (double[] customer : customers) {
                double[] gradient = new double[3];
                GammaGamma.logLikelihoodAndGradient(parameters, customer[0], customer[1], gradient);
                double[] logParameters = parameters.toLogArray();
                for (int k = 0; k < 3; k++) {
                    double h = 1e-5;
                    double[] up = logParameters.clone();
                    double[] down = logParameters.clone();
                    up[k] += h;
                    down[k] -= h;
                    double difference = (GammaGamma.logLikelihood(GammaGammaParameters.fromLogParameters(up),
                            customer[0], customer[1]) - GammaGamma.logLikelihood(
                            GammaGammaParameters.fromLogParameters(down), customer[0], customer[1])) / (2 * h);
                    assertEquals(difference, gradient[k], 1e-6 * Math.max(1.0, Math.abs(difference)),
                            parameters + " " + java.util.Arrays.toString(customer) + " component " + k);
                }
            }
        }
    }

    @Test
    void conditionalSpendIsACredibilityWeightedAverageOfPopulationAndObservedMeans() {
        double populationMean = PARAMETERS.populationMeanSpend();
        assertEquals(6.0 * 15.0 / 2.8, populationMean, 1e-12);
        double observed = 60.0;
        double previousDistance = Double.POSITIVE_INFINITY;
        for (double x : new double[] {1, 2, 5, 20, 100, 10_000}) {
            double expected = GammaGamma.conditionalExpectedSpend(PARAMETERS, x, observed);
            double weight = PARAMETERS.p() * x / (PARAMETERS.p() * x + PARAMETERS.q() - 1);
            assertEquals(weight * observed + (1 - weight) * populationMean, expected, 1e-10);
            assertTrue(expected > populationMean && expected < observed);
            double distance = observed - expected;
            assertTrue(distance < previousDistance, "moves toward m as x grows");
            previousDistance = distance;
        }
        assertEquals(observed, GammaGamma.conditionalExpectedSpend(PARAMETERS, 1e9, observed), 1e-6);
    }

    @Test
    void conditionalSpendEqualsThePosteriorMeanOfPOverNu() {
        double x = 3;
        double m = 22.0;
        double p = PARAMETERS.p();
        double q = PARAMETERS.q();
        double gamma = PARAMETERS.gamma();
        double shape = p * x;
        java.util.function.DoubleUnaryOperator joint = nu -> Math.exp(shape * Math.log(nu * x)
                - BgNbdTest.logGammaReference(shape) + (shape - 1) * Math.log(m) - nu * x * m
                + q * Math.log(gamma) - BgNbdTest.logGammaReference(q) + (q - 1) * Math.log(nu) - gamma * nu);
        double[] breaks = {0.0, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3.0, 6.0};
        double evidence = RULE.integratePiecewise(joint, breaks);
        double posteriorMean = RULE.integratePiecewise(nu -> p / nu * joint.applyAsDouble(nu), breaks) / evidence;
        assertEquals(posteriorMean, GammaGamma.conditionalExpectedSpend(PARAMETERS, x, m), 1e-8);
    }

    @Test
    void heavyBuyersAndLargeSpendsStayFinite() {
        double[] gradient = new double[3];
        double value = GammaGamma.logLikelihoodAndGradient(PARAMETERS, 1000, 1e6, gradient);
        assertTrue(Double.isFinite(value));
        for (double component : gradient) {
            assertTrue(Double.isFinite(component));
        }
    }

    @Test
    void customersWithoutRepeatTransactionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GammaGamma.logLikelihood(PARAMETERS, 0, 10.0));
    }
}
