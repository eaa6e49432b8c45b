package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

class MbgNbdTest {

    /** Smooth shapes (all above one) so plain Gauss-Legendre integrates the mixing densities accurately. */
    private static final MbgNbdParameters SMOOTH = new MbgNbdParameters(2.2, 3.1, 2.4, 3.3);
    /** MBG/NBD estimates on the CDNOW sample published by BTYDplus and asserted by lifetimes' tests. */
    private static final MbgNbdParameters CDNOW = new MbgNbdParameters(0.525, 6.183, 0.891, 1.614);

    /** The mixing distributions are BG/NBD's: integrate with its test's rule. */
    private static double mixtureIntegral(MbgNbdParameters parameters, DoubleBinaryOperator function) {
        return BgNbdTest.mixtureIntegral(new BgNbdParameters(parameters.r(), parameters.alpha(), parameters.a(),
                parameters.b()), function);
    }

    /** Alive at T: no dropout at time 0 nor after any of the x repeat purchases. */
    private static double aliveLikelihood(double lambda, double p, int x, double age) {
        return Math.pow(1 - p, x + 1) * Math.pow(lambda, x) * Math.exp(-lambda * age);
    }

    /** Batislam et al. (2007): alive, or dropped out right after purchase x (at time 0 when x = 0). */
    private static double individualLikelihood(double lambda, double p, int x, double recency, double age) {
        double tx = x == 0 ? 0.0 : recency;
        return aliveLikelihood(lambda, p, x, age) + p * Math.pow(1 - p, x) * Math.pow(lambda, x) * Math.exp(-lambda * tx);
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
            assertEquals(Math.log(integral), MbgNbd.logLikelihood(SMOOTH, x, recency, age), 1e-9, "x=" + x);
        }
    }

    @Test
    void analyticGradientMatchesCentralFiniteDifferencesInLogParameters() {
        double[][] customers = {{0, 0, 30}, {1, 5, 30}, {4, 20.5, 52}, {60, 51, 52}, {500, 100, 104}, {500, 3, 104}};
        for (MbgNbdParameters parameters : new MbgNbdParameters[] {SMOOTH, CDNOW, new MbgNbdParameters(0.02, 300.0, 0.05, 40.0)}) {
            GradientCheck.assertMatchesFiniteDifferences(PopulationModel.MBG_NBD, parameters.toArray(), customers, 2e-6);
        }
    }

    @Test
    void purchaseModelKindDispatchesToTheMbgNbdLikelihood() {
        double[] viaKind = new double[4];
        double[] direct = new double[4];
        double value = PopulationModel.MBG_NBD.logLikelihoodAndGradient(CDNOW.toArray(), 2, 30.43, 38.86, viaKind);
        assertEquals(MbgNbd.logLikelihoodAndGradient(CDNOW, 2, 30.43, 38.86, direct), value, 0.0);
        assertEquals(Arrays.toString(direct), Arrays.toString(viaKind));
        assertEquals("mbg_nbd", PopulationModel.MBG_NBD.code());
        assertEquals(PopulationModel.MBG_NBD, PopulationModel.fromCode("mbg_nbd"));
    }

    @Test
    void probabilityAliveEqualsTheAliveShareOfTheIntegratedLikelihood() {
        for (int x : new int[] {0, 3}) {
            double recency = x == 0 ? 0.0 : 4.0;
            double age = 11.0;
            double alive = mixtureIntegral(SMOOTH, (lambda, p) -> aliveLikelihood(lambda, p, x, age));
            double total = mixtureIntegral(SMOOTH, (lambda, p) -> individualLikelihood(lambda, p, x, recency, age));
            assertEquals(alive / total, MbgNbd.probabilityAlive(SMOOTH, x, recency, age), 1e-9, "x=" + x);
        }
    }

    @Test
    void oneTimeBuyerIsNotCertainlyAliveAndFadesAsTimeSinceTheOnlyPurchaseGrows() {
        // x = 0: P(alive) = 1 / (1 + a/b ((alpha+T)/alpha)^r). With the CDNOW estimates and T = 38.86 weeks:
        // 0.891/1.614 = 0.55204, (45.043/6.183)^0.525 = 7.28498^0.525 = exp(0.525 * 1.98582) = 2.83645,
        // odds 1.56584, P(alive) = 1 / 2.56584 = 0.38974.
        assertEquals(0.38974, MbgNbd.probabilityAlive(CDNOW, 0, 0.0, 38.86), 5e-5);
        double previous = 1.0;
        for (double age = 0.5; age <= 104.0; age += 3.5) {
            double alive = MbgNbd.probabilityAlive(CDNOW, 0, 0.0, age);
            assertTrue(alive < previous, "T=" + age);
            previous = alive;
        }
        // Even on the first day the customer may already have dropped out: the limit at T -> 0 is b/(a+b) < 1.
        assertEquals(1.614 / (0.891 + 1.614), MbgNbd.probabilityAlive(CDNOW, 0, 0.0, 1e-9), 1e-9);
    }

    @Test
    void probabilityAliveLiesInTheUnitIntervalAndFallsWithTimeSinceLastPurchase() {
        double previous = 1.0;
        for (double recency = 38.0; recency > 0.5; recency -= 2.5) {
            double alive = MbgNbd.probabilityAlive(CDNOW, 5, recency, 38.86);
            assertTrue(alive > 0.0 && alive < 1.0);
            assertTrue(alive <= previous);
            previous = alive;
        }
    }

    @Test
    void conditionalExpectationEqualsThePosteriorIntegralOfTheIndividualExpectation() {
        // Only the alive part contributes; an alive customer makes (1 - e^(-lambda p t)) / p purchases in the next t.
        for (int x : new int[] {0, 3}) {
            double recency = x == 0 ? 0.0 : 4.0;
            double age = 11.0;
            double duration = 9.0;
            double numerator = mixtureIntegral(SMOOTH, (lambda, p) -> aliveLikelihood(lambda, p, x, age)
                    * -Math.expm1(-lambda * p * duration) / p);
            double total = mixtureIntegral(SMOOTH, (lambda, p) -> individualLikelihood(lambda, p, x, recency, age));
            assertEquals(numerator / total, MbgNbd.conditionalExpectedPurchases(SMOOTH, x, recency, age, duration),
                    1e-9, "x=" + x);
        }
    }

    @Test
    void unconditionalExpectationEqualsThePriorIntegralOfSurvivingTimeZeroThenBuying() {
        double duration = 20.0;
        double integral = mixtureIntegral(SMOOTH, (lambda, p) -> (1 - p) * -Math.expm1(-lambda * p * duration) / p);
        assertEquals(integral, MbgNbd.expectedPurchases(SMOOTH, duration), 1e-9);
    }

    @Test
    void unconditionalExpectationMatchesTheHypergeometricClosedForm() {
        // lifetimes' ModifiedBetaGeoFitter: b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))].
        MbgNbdParameters parameters = new MbgNbdParameters(0.8, 5.0, 2.5, 4.0);
        double duration = 20.0;
        double z = duration / (parameters.alpha() + duration);
        double closedForm = parameters.b() / (parameters.a() - 1) * (1 - Math.exp(parameters.r() * Math.log1p(-z)
                + SpecialFunctions.logHypergeometric2F1(parameters.r(), parameters.b() + 1, parameters.a() + parameters.b(), z)));
        assertEquals(closedForm, MbgNbd.expectedPurchases(parameters, duration), 1e-12);
    }

    @Test
    void posteriorMeansEqualTheirPosteriorIntegrals() {
        for (int x : new int[] {0, 2}) {
            double recency = x == 0 ? 0.0 : 6.0;
            double age = 11.0;
            double total = mixtureIntegral(SMOOTH, (lambda, p) -> individualLikelihood(lambda, p, x, recency, age));
            double lambdaMean = mixtureIntegral(SMOOTH,
                    (lambda, p) -> lambda * individualLikelihood(lambda, p, x, recency, age)) / total;
            double pMean = mixtureIntegral(SMOOTH,
                    (lambda, p) -> p * individualLikelihood(lambda, p, x, recency, age)) / total;
            assertEquals(lambdaMean, MbgNbd.posteriorMeanPurchaseRate(SMOOTH, x, recency, age), 1e-9, "x=" + x);
            assertEquals(pMean, MbgNbd.posteriorMeanDropoutProbability(SMOOTH, x, recency, age), 1e-9, "x=" + x);
        }
    }

    @Test
    void heavyBuyersWithHundredsOfPurchasesStayFinite() {
        MbgNbdParameters[] parameterSets = {CDNOW, new MbgNbdParameters(0.01, 1e-3, 0.01, 1e3),
            new MbgNbdParameters(50.0, 1e3, 30.0, 0.05)};
        for (MbgNbdParameters parameters : parameterSets) {
            for (double recency : new double[] {0.5, 52.0, 103.9, 104.0}) {
                double[] gradient = new double[4];
                double value = MbgNbd.logLikelihoodAndGradient(parameters, 500, recency, 104.0, gradient);
                assertTrue(Double.isFinite(value), () -> parameters + " t_x=" + recency);
                for (double component : gradient) {
                    assertTrue(Double.isFinite(component), () -> parameters + " t_x=" + recency);
                }
                double alive = MbgNbd.probabilityAlive(parameters, 500, recency, 104.0);
                assertTrue(alive >= 0.0 && alive <= 1.0);
                double expected = MbgNbd.conditionalExpectedPurchases(parameters, 500, recency, 104.0, 52.0);
                assertTrue(Double.isFinite(expected) && expected >= 0.0, () -> parameters + " t_x=" + recency);
            }
        }
    }
}
