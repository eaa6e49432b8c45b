package dev.onetoone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

/**
 * The check every purchase model's analytic gradient passes: central finite differences of the log-likelihood in
 * the log-parameters, step 1e-5, against {@link PopulationModel#logLikelihoodAndGradient}, relative to the larger of
 * 1 and the difference.
 */
final class GradientCheck {
    private static final double STEP = 1e-5;

    private GradientCheck() {
    }

    /**
     * @param parameters model parameters on their natural scale, in the kind's order
     * @param customers  summaries (x, t_x, T), each with T > 0
     */
    static void assertMatchesFiniteDifferences(PopulationModel kind, double[] parameters, double[][] customers, double tolerance) {
        double[] logParameters = Arrays.stream(parameters).map(Math::log).toArray();
        for (double[] customer : customers) {
            double[] gradient = new double[parameters.length];
            kind.logLikelihoodAndGradient(parameters, customer[0], customer[1], customer[2], gradient);
            for (int k = 0; k < parameters.length; k++) {
                double[] up = logParameters.clone();
                double[] down = logParameters.clone();
                up[k] += STEP;
                down[k] -= STEP;
                double difference = (value(kind, up, customer) - value(kind, down, customer)) / (2 * STEP);
                assertEquals(difference, gradient[k], tolerance * Math.max(1.0, Math.abs(difference)),
                        kind + " " + Arrays.toString(parameters) + " customer " + Arrays.toString(customer) + " component " + k);
            }
        }
    }

    private static double value(PopulationModel kind, double[] logParameters, double[] customer) {
        double[] parameters = Arrays.stream(logParameters).map(Math::exp).toArray();
        return kind.logLikelihoodAndGradient(parameters, customer[0], customer[1], customer[2], new double[parameters.length]);
    }
}
