package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MaximumLikelihoodFitterTest {

    private static final BgNbdParameters BG_TRUTH = new BgNbdParameters(0.75, 4.0, 0.8, 2.6);
    private static final ParetoNbdParameters PARETO_TRUTH = new ParetoNbdParameters(0.75, 4.0, 0.6, 12.0);
    private static final GammaGammaParameters SPEND_TRUTH = new GammaGammaParameters(6.0, 3.8, 15.0);

    /**
     * Each estimate must lie within 4 standard errors of the truth. The standard errors come from the inverse
     * observed information at the estimate; with n customers they shrink like 1/sqrt(n), and a 4-sigma band
     * fails for a correctly specified, consistent estimator with probability about 6e-5 per parameter.
     */
    private static void assertWithinFourStandardErrors(double[] truth, FitResult fit, LogLikelihoodObjective objective) {
        double[] standardErrors = MaximumLikelihoodFitter.standardErrors(objective, fit.parameters());
        double[] estimate = fit.parameters();
        for (int i = 0; i < truth.length; i++) {
            assertTrue(Double.isFinite(standardErrors[i]) && standardErrors[i] > 0.0, "standard error " + i);
            assertTrue(Math.abs(estimate[i] - truth[i]) <= 4.0 * standardErrors[i],
                    "parameter " + i + ": estimate " + estimate[i] + " truth " + truth[i] + " se " + standardErrors[i]);
            // The band is informative: a standard error is a small fraction of the parameter.
            assertTrue(standardErrors[i] < 0.25 * truth[i], "standard error " + i + " = " + standardErrors[i]);
        }
    }

    private static LogLikelihoodObjective bgNbdSample() {
        Simulation.Summaries data = new Simulation(20240501L).bgNbd(BG_TRUTH, 20_000, 104.0);
        return InMemoryObjective.bgNbd(data.x(), data.recency(), data.age(), null);
    }

    @Test
    void recoversSimulatedBgNbdParametersWithinFourStandardErrors() {
        LogLikelihoodObjective objective = bgNbdSample();
        FitResult fit = new MaximumLikelihoodFitter().fit(objective, new double[] {1.0, 1.0, 1.0, 1.0});
        assertTrue(fit.converged(), fit.toString());
        assertEquals(20_000L, fit.customers());
        assertWithinFourStandardErrors(BG_TRUTH.toArray(), fit, objective);
    }

    @Test
    void warmStartFromTheTruthConvergesInFewIterationsToTheSameMaximum() {
        LogLikelihoodObjective objective = bgNbdSample();
        FitResult cold = new MaximumLikelihoodFitter().fit(objective, new double[] {1.0, 1.0, 1.0, 1.0});
        FitResult warm = new MaximumLikelihoodFitter().fit(objective, BG_TRUTH.toArray());
        assertTrue(warm.converged(), warm.toString());
        assertTrue(warm.iterations() <= 15, "iterations " + warm.iterations());
        assertTrue(warm.iterations() < cold.iterations(), warm.iterations() + " vs " + cold.iterations());
        assertEquals(cold.logLikelihood(), warm.logLikelihood(), 1e-6);
        assertArrayEquals(cold.parameters(), warm.parameters(), 1e-3);
    }

    @Test
    void recoversSimulatedParetoNbdParametersWithinFourStandardErrors() {
        Simulation.Summaries data = new Simulation(7L).paretoNbd(PARETO_TRUTH, 10_000, 104.0);
        LogLikelihoodObjective objective = InMemoryObjective.paretoNbd(data.x(), data.recency(), data.age(), null);
        FitResult fit = new MaximumLikelihoodFitter().fit(objective, new double[] {1.0, 1.0, 1.0, 1.0});
        assertTrue(fit.converged(), fit.toString());
        assertWithinFourStandardErrors(PARETO_TRUTH.toArray(), fit, objective);
    }

    /** Gamma-Gamma spend of 20,000 simulated customers with {@link #SPEND_TRUTH} (seed 99). */
    static LogLikelihoodObjective simulatedGammaGamma() {
        Simulation simulation = new Simulation(99L);
        int customers = 20_000;
        double[] x = new double[customers];
        double[] meanSpend = new double[customers];
        for (int i = 0; i < customers; i++) {
            // 1 + geometric number of extra transactions with mean 3.
            x[i] = 1 + Math.floor(simulation.exponential(-Math.log(0.75)));
            double nu = simulation.gamma(SPEND_TRUTH.q(), SPEND_TRUTH.gamma());
            // The mean of x Gamma(p, nu) values is Gamma(p x, nu x).
            meanSpend[i] = simulation.gamma(SPEND_TRUTH.p() * x[i], nu * x[i]);
        }
        return InMemoryObjective.gammaGamma(x, meanSpend, null);
    }

    @Test
    void recoversSimulatedGammaGammaParametersWithinFourStandardErrors() {
        LogLikelihoodObjective objective = simulatedGammaGamma();
        FitResult fit = new MaximumLikelihoodFitter().fit(objective, new double[] {1.0, 1.0, 1.0});
        assertTrue(fit.converged(), fit.toString());
        assertWithinFourStandardErrors(SPEND_TRUTH.toArray(), fit, objective);
    }

    @Test
    void dataWithoutRepeatPurchasesGivesAFiniteResultThatIsNotReportedAsConverged() {
        int customers = 1_000;
        double[] zeros = new double[customers];
        double[] ages = new double[customers];
        Arrays.fill(ages, 52.0);
        LogLikelihoodObjective objective = InMemoryObjective.bgNbd(zeros, zeros, ages, null);
        FitResult fit = new MaximumLikelihoodFitter().fit(objective, BG_TRUTH.toArray());
        assertFalse(fit.converged(), fit.toString());
        assertTrue(Double.isFinite(fit.logLikelihood()) && fit.logLikelihood() <= 0.0);
        for (double parameter : fit.parameters()) {
            assertTrue(Double.isFinite(parameter) && parameter > 0.0);
        }
        assertFalse(fit.message().isEmpty());
    }

    @Test
    void paretoNbdDataWithoutRepeatPurchasesIsNotReportedAsConverged() {
        int customers = 200;
        double[] zeros = new double[customers];
        double[] ages = new double[customers];
        Arrays.fill(ages, 52.0);
        FitResult fit = new MaximumLikelihoodFitter().fit(InMemoryObjective.paretoNbd(zeros, zeros, ages, null),
                PARETO_TRUTH.toArray());
        assertFalse(fit.converged(), fit.toString());
        assertTrue(Double.isFinite(fit.logLikelihood()) && fit.logLikelihood() <= 0.0);
    }

    @Test
    void warmStartFromAPreviousEstimateStopsImmediately() {
        LogLikelihoodObjective objective = bgNbdSample();
        FitResult first = new MaximumLikelihoodFitter().fit(objective, new double[] {1.0, 1.0, 1.0, 1.0});
        FitResult again = new MaximumLikelihoodFitter().fit(objective, first.parameters());
        assertTrue(again.converged(), again.toString());
        assertTrue(again.iterations() <= 2, "iterations " + again.iterations());
    }

    @Test
    void anL2PenaltyMakesDegenerateDataConvergeToAFinitePoint() {
        int customers = 1_000;
        double[] zeros = new double[customers];
        double[] ages = new double[customers];
        Arrays.fill(ages, 52.0);
        LogLikelihoodObjective objective = InMemoryObjective.bgNbd(zeros, zeros, ages, null);
        MaximumLikelihoodFitter fitter = new MaximumLikelihoodFitter(
                MaximumLikelihoodFitter.Settings.defaults().withL2Penalty(0.01));
        FitResult fit = fitter.fit(objective, BG_TRUTH.toArray());
        assertTrue(fit.converged(), fit.toString());
        // Without purchases a and b are pulled to exactly 1 (log 0) by the penalty alone.
        assertEquals(1.0, fit.parameters()[2], 1e-4);
        assertEquals(1.0, fit.parameters()[3], 1e-4);
    }

    @Test
    void anObjectiveThatIsNotFiniteAtTheStartGivesAnUnconvergedResultWithoutNaN() {
        LogLikelihoodObjective broken = logParameters -> new LogLikelihoodObjective.Evaluation(Double.NaN,
                new double[] {Double.NaN, 0.0}, 10L);
        FitResult fit = new MaximumLikelihoodFitter().fit(broken, new double[] {1.0, 2.0});
        assertFalse(fit.converged());
        assertFalse(Double.isNaN(fit.logLikelihood()));
        assertFalse(Double.isNaN(fit.gradientNorm()));
        assertArrayEquals(new double[] {1.0, 2.0}, fit.parameters(), 0.0);
    }

    @Test
    void nonFiniteTrialPointsAreBacktrackedOver() {
        // A concave quadratic in log-parameters with optimum at log theta = (1, -1) that is undefined beyond 3.
        LogLikelihoodObjective objective = theta -> {
            if (Math.abs(theta[0]) > 3.0 || Math.abs(theta[1]) > 3.0) {
                return new LogLikelihoodObjective.Evaluation(Double.NaN, new double[] {Double.NaN, Double.NaN}, 1L);
            }
            double d0 = theta[0] - 1.0;
            double d1 = theta[1] + 1.0;
            return new LogLikelihoodObjective.Evaluation(-50.0 * d0 * d0 - 0.5 * d1 * d1,
                    new double[] {-100.0 * d0, -d1}, 1L);
        };
        FitResult fit = new MaximumLikelihoodFitter().fit(objective, new double[] {Math.exp(-2.5), Math.exp(2.5)});
        assertTrue(fit.converged(), fit.toString());
        assertEquals(Math.E, fit.parameters()[0], 1e-6);
        assertEquals(1.0 / Math.E, fit.parameters()[1], 1e-6);
    }

    @Test
    void partialSumsMergeToTheWholeSum() {
        Simulation.Summaries data = new Simulation(3L).bgNbd(BG_TRUTH, 200, 104.0);
        double[] theta = BG_TRUTH.toLogArray();
        LogLikelihoodObjective.Evaluation whole = InMemoryObjective.bgNbd(data.x(), data.recency(), data.age(), null)
                .evaluate(theta);
        ValueAndGradient first = new ValueAndGradient(4);
        ValueAndGradient second = new ValueAndGradient(4);
        double[] gradient = new double[4];
        for (int i = 0; i < 200; i++) {
            double value = BgNbd.logLikelihoodAndGradient(BG_TRUTH, data.x()[i], data.recency()[i], data.age()[i],
                    gradient);
            (i % 2 == 0 ? first : second).add(1.0, value, gradient);
        }
        LogLikelihoodObjective.Evaluation merged = first.merge(second).toEvaluation();
        assertEquals(whole.logLikelihood(), merged.logLikelihood(), 1e-9);
        assertArrayEquals(whole.gradientWrtLogParameters(), merged.gradientWrtLogParameters(), 1e-9);
        assertEquals(200L, merged.customers());
    }

    @Test
    void weightsCountCustomersSharingASummary() {
        double[] x = {0, 3};
        double[] recency = {0, 20};
        double[] age = {30, 40};
        LogLikelihoodObjective.Evaluation weighted = InMemoryObjective.bgNbd(x, recency, age, new double[] {3, 2})
                .evaluate(BG_TRUTH.toLogArray());
        LogLikelihoodObjective.Evaluation expanded = InMemoryObjective.bgNbd(new double[] {0, 0, 0, 3, 3},
                new double[] {0, 0, 0, 20, 20}, new double[] {30, 30, 30, 40, 40}, null).evaluate(BG_TRUTH.toLogArray());
        assertEquals(expanded.logLikelihood(), weighted.logLikelihood(), 1e-10);
        assertEquals(5L, weighted.customers());
    }
}
