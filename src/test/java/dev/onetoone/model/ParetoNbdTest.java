package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

class ParetoNbdTest {

    /** Smooth shapes above one so the mixing densities are easy to integrate; alpha &lt; beta. */
    private static final ParetoNbdParameters ALPHA_BELOW_BETA = new ParetoNbdParameters(2.1, 3.0, 1.8, 5.0);
    private static final ParetoNbdParameters ALPHA_ABOVE_BETA = new ParetoNbdParameters(2.1, 6.0, 1.8, 2.0);
    private static final ParetoNbdParameters ALPHA_EQUALS_BETA = new ParetoNbdParameters(2.1, 4.0, 1.8, 4.0);
    /** CDNOW estimates: Fader, Hardie &amp; Lee (2005), "RFM and CLV", Marketing Science 24(2), section 4. */
    private static final ParetoNbdParameters CDNOW = new ParetoNbdParameters(0.553, 10.578, 0.606, 11.669);

    private static final GaussLegendre RULE = new GaussLegendre(40);

    private static double mixtureIntegral(ParetoNbdParameters parameters, DoubleBinaryOperator function) {
        double r = parameters.r();
        double alpha = parameters.alpha();
        double s = parameters.s();
        double beta = parameters.beta();
        double logNormaliser = r * Math.log(alpha) - BgNbdTest.logGammaReference(r) + s * Math.log(beta)
                - BgNbdTest.logGammaReference(s);
        double[] breaks = {0.0, 1e-4, 1e-3, 0.01, 0.05, 0.2, 0.6, 1.5, 4.0, 10.0, 30.0};
        return RULE.integratePiecewise(lambda -> RULE.integratePiecewise(mu -> {
            double density = Math.exp(logNormaliser + (r - 1) * Math.log(lambda) - alpha * lambda
                    + (s - 1) * Math.log(mu) - beta * mu);
            return density * function.applyAsDouble(lambda, mu);
        }, breaks), breaks);
    }

    /** Individual likelihood given lambda and mu: alive through T, or died in (t_x, T]. */
    private static double individualLikelihood(double lambda, double mu, int x, double recency, double age) {
        double power = Math.pow(lambda, x);
        double alive = power * Math.exp(-(lambda + mu) * age);
        double died = power * mu / (lambda + mu) * (Math.exp(-(lambda + mu) * recency)
                - Math.exp(-(lambda + mu) * age));
        return alive + died;
    }

    private static double aliveLikelihood(double lambda, double mu, int x, double age) {
        return Math.pow(lambda, x) * Math.exp(-(lambda + mu) * age);
    }

    @Test
    void logLikelihoodEqualsTheIntegralOfTheIndividualLikelihoodInEveryBranch() {
        int[] counts = {0, 1, 4};
        double[] recencies = {0.0, 1.5, 6.0};
        for (ParetoNbdParameters parameters : new ParetoNbdParameters[] {ALPHA_BELOW_BETA, ALPHA_ABOVE_BETA,
            ALPHA_EQUALS_BETA}) {
            for (int i = 0; i < counts.length; i++) {
                int x = counts[i];
                double recency = recencies[i];
                double integral = mixtureIntegral(parameters,
                        (lambda, mu) -> individualLikelihood(lambda, mu, x, recency, 9.0));
                assertEquals(Math.log(integral), ParetoNbd.logLikelihood(parameters, x, recency, 9.0), 1e-9,
                        parameters + " x=" + x);
            }
        }
    }

    @Test
    void probabilityAliveAndConditionalExpectationEqualTheirPosteriorIntegrals() {
        int x = 3;
        double recency = 2.5;
        double age = 9.0;
        double duration = 12.0;
        for (ParetoNbdParameters parameters : new ParetoNbdParameters[] {ALPHA_BELOW_BETA, ALPHA_ABOVE_BETA}) {
            double total = mixtureIntegral(parameters,
                    (lambda, mu) -> individualLikelihood(lambda, mu, x, recency, age));
            double alive = mixtureIntegral(parameters, (lambda, mu) -> aliveLikelihood(lambda, mu, x, age));
            // Alive at T, a customer buys lambda (1 - e^(-mu t)) / mu in expectation over the next t.
            double future = mixtureIntegral(parameters, (lambda, mu) -> aliveLikelihood(lambda, mu, x, age)
                    * lambda * -Math.expm1(-mu * duration) / mu);
            assertEquals(alive / total, ParetoNbd.probabilityAlive(parameters, x, recency, age), 1e-9);
            assertEquals(future / total,
                    ParetoNbd.conditionalExpectedPurchases(parameters, x, recency, age, duration), 1e-8);
        }
    }

    @Test
    void unconditionalExpectationEqualsTheMixtureIntegral() {
        double duration = 7.0;
        double integral = mixtureIntegral(ALPHA_BELOW_BETA, (lambda, mu) -> lambda * -Math.expm1(-mu * duration) / mu);
        assertEquals(integral, ParetoNbd.expectedPurchases(ALPHA_BELOW_BETA, duration), 1e-9);
    }

    @Test
    void expectationIsContinuousAtSEqualsOne() {
        double at = ParetoNbd.expectedPurchases(new ParetoNbdParameters(0.5, 10.0, 1.0, 12.0), 52.0);
        double near = ParetoNbd.expectedPurchases(new ParetoNbdParameters(0.5, 10.0, 1.0 + 1e-9, 12.0), 52.0);
        assertEquals(0.5 / 10.0 * 12.0 * Math.log1p(52.0 / 12.0), at, 1e-14);
        assertEquals(at, near, 1e-8);
    }

    @Test
    void bothHypergeometricBranchesGiveTheSameIntegralWhereBothConverge() {
        double[][] cases = {{0.553, 10.578, 0.606, 11.669, 2, 30.43, 38.86}, {2.1, 3.0, 1.8, 5.0, 4, 6.0, 9.0},
            {0.7, 14.0, 0.5, 9.0, 20, 40.0, 60.0}, {0.553, 10.578, 0.606, 11.669, 300, 80.0, 104.0}};
        for (double[] c : cases) {
            double alphaBranch = ParetoNbd.logDropoutIntegralSeries(c[0], c[1], c[2], c[3], c[4], c[5], c[6], true);
            double betaBranch = ParetoNbd.logDropoutIntegralSeries(c[0], c[1], c[2], c[3], c[4], c[5], c[6], false);
            assertTrue(Double.isFinite(alphaBranch) && Double.isFinite(betaBranch), java.util.Arrays.toString(c));
            assertEquals(alphaBranch, betaBranch, 1e-11 * Math.abs(alphaBranch), java.util.Arrays.toString(c));
        }
    }

    @Test
    void likelihoodIsContinuousAcrossAlphaEqualsBeta() {
        double at = ParetoNbd.logLikelihood(new ParetoNbdParameters(0.6, 11.0, 0.6, 11.0), 5, 20.0, 38.0);
        double below = ParetoNbd.logLikelihood(new ParetoNbdParameters(0.6, 11.0 * (1 - 1e-9), 0.6, 11.0), 5, 20.0,
                38.0);
        double above = ParetoNbd.logLikelihood(new ParetoNbdParameters(0.6, 11.0 * (1 + 1e-9), 0.6, 11.0), 5, 20.0,
                38.0);
        assertEquals(at, below, 1e-8);
        assertEquals(at, above, 1e-8);
    }

    @Test
    void seriesAndQuadratureAgreeForCustomersWithHundredsOfPurchases() {
        for (double x : new double[] {300, 600, 1000}) {
            for (double recency : new double[] {10.0, 60.0, 103.0}) {
                for (ParetoNbdParameters p : new ParetoNbdParameters[] {CDNOW,
                    new ParetoNbdParameters(0.553, 11.669, 0.606, 10.578)}) {
                    double series = ParetoNbd.logDropoutIntegralSeries(p.r(), p.alpha(), p.s(), p.beta(), x, recency,
                            104.0, p.alpha() >= p.beta());
                    double quadrature = ParetoNbd.logDropoutIntegralQuadrature(p.r(), p.alpha(), p.s(), p.beta(), x,
                            recency, 104.0);
                    assertTrue(Double.isFinite(series), "x=" + x + " t_x=" + recency);
                    assertEquals(quadrature, series, 1e-10 * Math.abs(quadrature), "x=" + x + " t_x=" + recency);
                }
            }
        }
    }

    @Test
    void heavyBuyersAndExtremeParametersGiveFiniteLikelihoodsGradientsAndPredictions() {
        ParetoNbdParameters[] parameterSets = {CDNOW, new ParetoNbdParameters(0.01, 1e-3, 0.01, 1e3),
            new ParetoNbdParameters(50.0, 1e3, 30.0, 1e-3), new ParetoNbdParameters(0.5, 1e-4, 2.0, 1e-4)};
        for (ParetoNbdParameters parameters : parameterSets) {
            for (double x : new double[] {0, 1, 300, 1000}) {
                for (double recency : new double[] {0.5, 52.0, 103.999, 104.0}) {
                    double[] gradient = new double[4];
                    double value = ParetoNbd.logLikelihoodAndGradient(parameters, x, recency, 104.0, gradient);
                    String label = parameters + " x=" + x + " t_x=" + recency;
                    assertTrue(Double.isFinite(value), label);
                    for (double component : gradient) {
                        assertTrue(Double.isFinite(component), label);
                    }
                    double alive = ParetoNbd.probabilityAlive(parameters, x, recency, 104.0);
                    assertTrue(alive >= 0.0 && alive <= 1.0, label);
                    double expected = ParetoNbd.conditionalExpectedPurchases(parameters, x, recency, 104.0, 52.0);
                    assertTrue(Double.isFinite(expected) && expected >= 0.0, label);
                }
            }
        }
    }

    @Test
    void gradientMatchesCentralFiniteDifferencesOfTheLogLikelihood() {
        double[][] customers = {{0, 0, 30}, {2, 30.43, 38.86}, {7, 10, 52}, {300, 100, 104}, {1000, 20, 104}};
        // The last set puts the 2F1 argument within 1e-3 of 1, so I is integrated numerically and its gradient
        // comes from differentiating under the integral sign.
        for (ParetoNbdParameters parameters : new ParetoNbdParameters[] {CDNOW, ALPHA_ABOVE_BETA, ALPHA_BELOW_BETA,
            new ParetoNbdParameters(0.02, 350.0, 80.0, 0.1)}) {
            GradientCheck.assertMatchesFiniteDifferences(PopulationModel.PARETO_NBD, parameters.toArray(), customers, 1e-5);
        }
    }

    @Test
    void cdnowPredictionsBehaveSensibly() {
        // The x = 2, t_x = 30.43, T = 38.86 customer of the BG/NBD paper; with the CDNOW Pareto/NBD estimates
        // the expected purchases in the next 39 weeks is of the same order as the BG/NBD value 1.226.
        double expected = ParetoNbd.conditionalExpectedPurchases(CDNOW, 2, 30.43, 38.86, 39.0);
        assertTrue(expected > 0.6 && expected < 2.0, "got " + expected);
        // More recent last purchases mean a higher chance of being alive and more future purchases.
        assertTrue(ParetoNbd.probabilityAlive(CDNOW, 2, 38.0, 38.86) > ParetoNbd.probabilityAlive(CDNOW, 2, 10.0,
                38.86));
        assertTrue(ParetoNbd.conditionalExpectedPurchases(CDNOW, 10, 38.0, 38.86, 39.0)
                > ParetoNbd.conditionalExpectedPurchases(CDNOW, 2, 38.0, 38.86, 39.0));
        // A purchase at T leaves no time in (t_x, T] to have died in, so P(alive) = 1.
        double justBought = ParetoNbd.probabilityAlive(CDNOW, 2, 38.86, 38.86);
        assertEquals(1.0, justBought, 1e-15);
        // Population mean over 39 weeks lies below the mean purchase rate times 39 because of dropout.
        assertTrue(ParetoNbd.expectedPurchases(CDNOW, 39.0) < 39.0 * CDNOW.r() / CDNOW.alpha());
    }

    @Test
    void oneTimeBuyerIsNotCertainlyAliveAndFadesAsTimeSinceTheOnlyPurchaseGrows() {
        double previous = 1.0;
        for (double age = 0.5; age <= 104.0; age += 3.5) {
            double alive = ParetoNbd.probabilityAlive(CDNOW, 0, 0.0, age);
            assertTrue(alive > 0.0 && alive < previous, "T=" + age);
            previous = alive;
        }
    }
}
