package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/** The likelihood summed by Spark equals the in-memory sum, and a distributed fit recovers simulated truth. */
class DistributedObjectiveTest extends SparkTestSupport {
    private static final ParetoNbdParameters PARETO_TRUTH = new ParetoNbdParameters(0.75, 4.0, 0.6, 12.0);

    private static JavaRDD<double[]> rows(double[] first, double[] second, double[] third) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < first.length; i++) {
            rows.add(new double[] {first[i], second[i], third[i], 1.0});
        }
        return JavaSparkContext.fromSparkContext(spark().sparkContext()).parallelize(rows, 4).cache();
    }

    @Test
    void sparkSumEqualsTheInMemorySumForEveryModel() {
        Simulation.Summaries data = new Simulation(5L).paretoNbd(PARETO_TRUTH, 2_000, 104.0);
        double[] spend = new double[data.x().length];
        for (int i = 0; i < spend.length; i++) {
            spend[i] = 10.0 + i % 17;
        }
        double[] repeat = data.x().clone();
        for (int i = 0; i < repeat.length; i++) {
            repeat[i] = Math.max(repeat[i], 1.0);
        }
        var cases = List.of(
                new Object[] {PopulationModel.BG_NBD, InMemoryObjective.bgNbd(data.x(), data.recency(), data.age(), null),
                        rows(data.x(), data.recency(), data.age()), new double[] {Math.log(0.5), Math.log(3), 0.0, Math.log(2)}},
                new Object[] {PopulationModel.PARETO_NBD, InMemoryObjective.paretoNbd(data.x(), data.recency(), data.age(), null),
                        rows(data.x(), data.recency(), data.age()), new double[] {Math.log(0.7), Math.log(5), Math.log(0.5), Math.log(10)}},
                new Object[] {PopulationModel.GAMMA_GAMMA, InMemoryObjective.gammaGamma(repeat, spend, null),
                        rows(repeat, spend, new double[repeat.length]), new double[] {Math.log(5), Math.log(3), Math.log(12)}});
        for (Object[] testCase : cases) {
            var kind = (PopulationModel) testCase[0];
            var local = ((LogLikelihoodObjective) testCase[1]).evaluate((double[]) testCase[3]);
            @SuppressWarnings("unchecked")
            var distributed = new DistributedObjective((JavaRDD<double[]>) testCase[2], kind).evaluate((double[]) testCase[3]);
            assertEquals(local.logLikelihood(), distributed.logLikelihood(), 1e-9 * Math.abs(local.logLikelihood()), kind.name());
            assertArrayEquals(local.gradientWrtLogParameters(), distributed.gradientWrtLogParameters(),
                    1e-8 * Math.abs(local.logLikelihood()), kind.name());
            assertEquals(local.customers(), distributed.customers(), kind.name());
        }
    }

    @Test
    void distributedParetoNbdFitRecoversSimulatedParametersWithinFourStandardErrors() {
        Simulation.Summaries data = new Simulation(7L).paretoNbd(PARETO_TRUTH, 10_000, 104.0);
        var objective = new DistributedObjective(rows(data.x(), data.recency(), data.age()), PopulationModel.PARETO_NBD);
        FitResult fit = new MaximumLikelihoodFitter().fit(objective, PopulationModel.PARETO_NBD.coldStart());
        assertTrue(fit.converged(), fit.toString());
        double[] standardErrors = MaximumLikelihoodFitter.standardErrors(
                InMemoryObjective.paretoNbd(data.x(), data.recency(), data.age(), null), fit.parameters());
        double[] truth = PARETO_TRUTH.toArray();
        for (int i = 0; i < truth.length; i++) {
            assertTrue(Math.abs(fit.parameters()[i] - truth[i]) < 4 * standardErrors[i],
                    "parameter " + i + ": " + fit.parameters()[i] + " vs " + truth[i] + " (se " + standardErrors[i] + ")");
        }
    }
}
