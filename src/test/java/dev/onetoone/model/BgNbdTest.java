package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

class BgNbdTest {

    /** Smooth shapes (all above one) so plain Gauss-Legendre integrates the mixing densities accurately. */
    private static final BgNbdParameters SMOOTH = new BgNbdParameters(2.2, 3.1, 2.4, 3.3);
    /** Fader, Hardie &amp; Lee (2005), section 5: the CDNOW calibration estimates. */
    private static final BgNbdParameters CDNOW = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);

    private static final GaussLegendre RULE = new GaussLegendre(48);

    /**
     * Integral of f(lambda, p) Gamma(lambda; r, alpha) Beta(p; a, b) by nested piecewise Gauss-Legendre; the
     * pieces are graded towards the end points where the densities behave like lambda^(r-1) and p^(a-1).
     */
    static double mixtureIntegral(BgNbdParameters parameters, DoubleBinaryOperator function) {
        double r = parameters.r();
        double alpha = parameters.alpha();
        double a = parameters.a();
        double b = parameters.b();
        double logGammaNormaliser = r * Math.log(alpha) - logGammaReference(r);
        double logBetaNormaliser = logGammaReference(a + b) - logGammaReference(a) - logGammaReference(b);
        return RULE.integratePiecewise(lambda -> RULE.integratePiecewise(p -> {
            double density = Math.exp(logGammaNormaliser + (r - 1) * Math.log(lambda) - alpha * lambda
                    + logBetaNormaliser + (a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p));
            return density * function.applyAsDouble(lambda, p);
        }, 0.0, 1e-4, 1e-3, 0.01, 0.05, 0.2, 0.5, 0.8, 0.99, 1.0), 0.0, 1e-4, 1e-3, 0.01, 0.05, 0.5, 1.5, 4.0, 10.0, 25.0);
    }

    /** log Gamma from a Lanczos approximation (Numerical Recipes 3rd ed., gammln), independent of the code. */
    static double logGammaReference(double x) {
        double[] coefficients = {57.1562356658629235, -59.5979603554754912, 14.1360979747417471,
            -0.491913816097620199, .339946499848118887e-4, .465236289270485756e-4, -.983744753048795646e-4,
            .158088703224912494e-3, -.210264441724104883e-3, .217439618115212643e-3, -.164318106536763890e-3,
            .844182239838527433e-4, -.261908384015814087e-4, .368991826595316234e-5};
        double y = x;
        double tmp = x + 5.24218750000000000;
        tmp = (x + 0.5) * Math.log(tmp) - tmp;
        double series = 0.999999999999997092;
        for (double coefficient : coefficients) {
            series += coefficient / ++y;
        }
        return tmp + Math.log(2.5066282746310005 * series / x);
    }

    /** Eq. (3): individual likelihood given lambda and p. */
    private static double individualLikelihood(double lambda, double p, int x, double recency, double age) {
        double alive = Math.pow(1 - p, x) * Math.pow(lambda, x) * Math.exp(-lambda * age);
        double dead = x > 0 ? p * Math.pow(1 - p, x - 1) * Math.pow(lambda, x) * Math.exp(-lambda * recency) : 0.0;
        return alive + dead;
    }

    @Test
    void logLikelihoodEqualsTheIntegralOfTheIndividualLikelihoodOverTheMixingDistributions() {
        int[] counts = {0, 1, 3};
        double[] recencies = {0.0, 2.5, 7.25};
        for (int i = 0; i < counts.length; i++) {
            int x = counts[i];
            double recency = recencies[i];
            double age = 11.0;
            double integral = mixtureIntegral(SMOOTH, (lambda, p) -> individualLikelihood(lambda, p, x, recency, age));
            assertEquals(Math.log(integral), BgNbd.logLikelihood(SMOOTH, x, recency, age), 1e-9, "x=" + x);
        }
    }

    @Test
    void analyticGradientMatchesCentralFiniteDifferencesInLogParameters() {
        double[][] customers = {{0, 0, 30}, {1, 5, 30}, {4, 20.5, 52}, {60, 51, 52}, {500, 100, 104}, {500, 3, 104}};
        for (BgNbdParameters parameters : new BgNbdParameters[] {SMOOTH, CDNOW, new BgNbdParameters(0.02, 300.0, 0.05, 40.0)}) {
            GradientCheck.assertMatchesFiniteDifferences(PopulationModel.BG_NBD, parameters.toArray(), customers, 2e-6);
        }
    }

    @Test
    void logLikelihoodAndGradientReturnsTheSameValueAsLogLikelihood() {
        double[] gradient = new double[4];
        double value = BgNbd.logLikelihoodAndGradient(CDNOW, 7, 30.0, 38.0, gradient);
        assertEquals(BgNbd.logLikelihood(CDNOW, 7, 30.0, 38.0), value, 1e-13);
    }

    @Test
    void reproducesThePublishedConditionalExpectationForTheCdnowExampleCustomer() {
        // Fader, Hardie & Lee (2005), section 5: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the
        // next 39 weeks.
        double expected = BgNbd.conditionalExpectedPurchases(CDNOW, 2, 30.43, 38.86, 39.0);
        assertEquals(1.226, expected, 5e-4);
    }

    @Test
    void probabilityAliveIsOneForCustomersWithoutRepeatPurchases() {
        assertEquals(1.0, BgNbd.probabilityAlive(CDNOW, 0, 0, 38.86), 0.0);
    }

    @Test
    void probabilityAliveLiesInTheUnitIntervalAndFallsWithTimeSinceLastPurchase() {
        double previous = 1.0;
        for (double recency = 38.0; recency > 0.5; recency -= 2.5) {
            double alive = BgNbd.probabilityAlive(CDNOW, 5, recency, 38.86);
            assertTrue(alive > 0.0 && alive <= 1.0);
            assertTrue(alive <= previous);
            previous = alive;
        }
    }

    @Test
    void probabilityAliveEqualsTheAliveShareOfTheIntegratedLikelihood() {
        int x = 3;
        double recency = 4.0;
        double age = 11.0;
        double alive = mixtureIntegral(SMOOTH, (lambda, p) -> Math.pow(1 - p, x) * Math.pow(lambda, x)
                * Math.exp(-lambda * age));
        double total = mixtureIntegral(SMOOTH, (lambda, p) -> individualLikelihood(lambda, p, x, recency, age));
        assertEquals(alive / total, BgNbd.probabilityAlive(SMOOTH, x, recency, age), 1e-9);
    }

    @Test
    void conditionalExpectationEqualsThePosteriorIntegralOfTheIndividualExpectation() {
        // Only the alive part contributes; given (lambda, p) an alive customer makes (1 - e^(-lambda p t)) / p
        // purchases in the next t (eq. 8).
        int x = 3;
        double recency = 4.0;
        double age = 11.0;
        double duration = 9.0;
        double numerator = mixtureIntegral(SMOOTH, (lambda, p) -> Math.pow(1 - p, x) * Math.pow(lambda, x)
                * Math.exp(-lambda * age) * -Math.expm1(-lambda * p * duration) / p);
        double total = mixtureIntegral(SMOOTH, (lambda, p) -> individualLikelihood(lambda, p, x, recency, age));
        assertEquals(numerator / total, BgNbd.conditionalExpectedPurchases(SMOOTH, x, recency, age, duration), 1e-9);
    }

    @Test
    void posteriorMeansEqualTheirPosteriorIntegrals() {
        int x = 2;
        double recency = 6.0;
        double age = 11.0;
        double total = mixtureIntegral(SMOOTH, (lambda, p) -> individualLikelihood(lambda, p, x, recency, age));
        double lambdaMean = mixtureIntegral(SMOOTH,
                (lambda, p) -> lambda * individualLikelihood(lambda, p, x, recency, age)) / total;
        double pMean = mixtureIntegral(SMOOTH,
                (lambda, p) -> p * individualLikelihood(lambda, p, x, recency, age)) / total;
        assertEquals(lambdaMean, BgNbd.posteriorMeanPurchaseRate(SMOOTH, x, recency, age), 1e-9);
        assertEquals(pMean, BgNbd.posteriorMeanDropoutProbability(SMOOTH, x, recency, age), 1e-9);
    }

    @Test
    void unconditionalExpectationMatchesTheHypergeometricClosedFormWhereItIsWellConditioned() {
        BgNbdParameters parameters = new BgNbdParameters(0.8, 5.0, 2.5, 4.0);
        double duration = 20.0;
        double z = duration / (parameters.alpha() + duration);
        double c = parameters.a() + parameters.b() - 1;
        double closedForm = c / (parameters.a() - 1) * (1 - Math.exp(parameters.r() * Math.log1p(-z)
                + SpecialFunctions.logHypergeometric2F1(parameters.r(), parameters.b(), c, z)));
        assertEquals(closedForm, BgNbd.expectedPurchases(parameters, duration), 1e-12);
    }

    @Test
    void expectationIsContinuousThroughTheRemovableSingularityAtAEqualsOne() {
        double below = BgNbd.expectedPurchases(new BgNbdParameters(0.5, 4.0, 1.0 - 1e-7, 2.0), 30.0);
        double at = BgNbd.expectedPurchases(new BgNbdParameters(0.5, 4.0, 1.0, 2.0), 30.0);
        double above = BgNbd.expectedPurchases(new BgNbdParameters(0.5, 4.0, 1.0 + 1e-7, 2.0), 30.0);
        assertTrue(Double.isFinite(at));
        assertEquals(at, below, 1e-6);
        assertEquals(at, above, 1e-6);
    }

    @Test
    void seriesAndQuadratureEvaluationsOfTheExpectationAgree() {
        double[][] cases = {{0.243, 4.414, 0.793, 2.426, 39}, {502.243, 110, 0.793, 502.426, 52},
            {0.7, 0.05, 0.3, 0.9, 104}, {3.0, 20.0, 5.0, 1.5, 10}};
        for (double[] c : cases) {
            double viaSeries = BgNbd.expectedPurchasesGivenAlive(c[0], c[1], c[2], c[3], c[4]);
            double viaQuadrature = BgNbd.expectedPurchasesQuadrature(c[0], c[1], c[2], c[3], c[4]);
            assertEquals(viaQuadrature, viaSeries, 1e-10 * viaQuadrature, java.util.Arrays.toString(c));
        }
    }

    @Test
    void expectationIsFiniteWhenABelowOneMakesTheHypergeometricLowerParameterNonPositive() {
        // a + b - 1 < 0 for x = 0: the 2F1 form is undefined, the p-integral is not.
        double expected = BgNbd.expectedPurchases(new BgNbdParameters(0.6, 3.0, 0.3, 0.4), 52.0);
        assertTrue(Double.isFinite(expected) && expected > 0.0);
    }

    @Test
    void heavyBuyersWithHundredsOfPurchasesStayFinite() {
        BgNbdParameters[] parameterSets = {CDNOW, new BgNbdParameters(0.01, 1e-3, 0.01, 1e3),
            new BgNbdParameters(50.0, 1e3, 30.0, 0.05)};
        for (BgNbdParameters parameters : parameterSets) {
            for (double recency : new double[] {0.5, 52.0, 103.9, 104.0}) {
                double[] gradient = new double[4];
                double value = BgNbd.logLikelihoodAndGradient(parameters, 500, recency, 104.0, gradient);
                assertTrue(Double.isFinite(value), () -> parameters + " t_x=" + recency);
                for (double component : gradient) {
                    assertTrue(Double.isFinite(component), () -> parameters + " t_x=" + recency);
                }
                double alive = BgNbd.probabilityAlive(parameters, 500, recency, 104.0);
                assertTrue(alive >= 0.0 && alive <= 1.0);
                double expected = BgNbd.conditionalExpectedPurchases(parameters, 500, recency, 104.0, 52.0);
                assertTrue(Double.isFinite(expected) && expected >= 0.0, () -> parameters + " t_x=" + recency);
            }
        }
    }
}
