package dev.onetoone.model;

import java.util.Arrays;

/**
 * A log-likelihood summed over customers, as a function of log-parameters. The fitter only calls
 * {@link #evaluate(double[])}, so the data can live anywhere (an in-memory array, a Spark aggregate over
 * weighted distinct summaries); {@link ValueAndGradient} is the mergeable partial sum such an implementation
 * builds.
 */
@FunctionalInterface
public interface LogLikelihoodObjective {

    /**
     * Total log-likelihood and its gradient with respect to the log-parameters at the given point.
     * Implementations may return non-finite values where the likelihood cannot be evaluated; the fitter
     * treats them as infeasible.
     */
    Evaluation evaluate(double[] logParameters);

    /**
     * Result of one evaluation.
     *
     * @param logLikelihood sum over customers (weighted) of the per-customer log-likelihood
     * @param gradientWrtLogParameters d logLikelihood / d log(theta_i)
     * @param customers number of customers summed (sum of weights, rounded)
     */
    record Evaluation(double logLikelihood, double[] gradientWrtLogParameters, long customers) {

        public Evaluation {
            gradientWrtLogParameters = gradientWrtLogParameters.clone();
        }

        @Override
        public double[] gradientWrtLogParameters() {
            return gradientWrtLogParameters.clone();
        }

        /** True when the value and every gradient component are finite. */
        public boolean isFinite() {
            if (!Double.isFinite(logLikelihood)) {
                return false;
            }
            for (double component : gradientWrtLogParameters) {
                if (!Double.isFinite(component)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Evaluation that
                    && Double.compare(logLikelihood, that.logLikelihood) == 0
                    && Arrays.equals(gradientWrtLogParameters, that.gradientWrtLogParameters)
                    && customers == that.customers;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Double.hashCode(logLikelihood) + Arrays.hashCode(gradientWrtLogParameters))
                    + Long.hashCode(customers);
        }

        @Override
        public String toString() {
            return "Evaluation[logLikelihood=" + logLikelihood + ", gradientWrtLogParameters="
                    + Arrays.toString(gradientWrtLogParameters) + ", customers=" + customers + "]";
        }
    }
}
