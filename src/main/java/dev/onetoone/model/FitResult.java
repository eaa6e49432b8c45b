package dev.onetoone.model;

import java.time.Duration;
import java.util.Arrays;

/**
 * Outcome of {@link MaximumLikelihoodFitter#fit}.
 *
 * @param parameters estimates on the natural (positive) scale, in the model's parameter order
 * @param logLikelihood total log-likelihood at the estimates, without the optional penalty; finite
 * @param iterations quasi-Newton iterations taken
 * @param converged true only if a stopping test passed at an interior point with positive definite observed
 *     information (see {@link MaximumLikelihoodFitter})
 * @param gradientNorm max-norm of the gradient of the penalised log-likelihood with respect to log-parameters,
 *     divided by the number of customers
 * @param customers number of customers the objective reported
 * @param wallTime elapsed time of the fit
 * @param message why the fit stopped
 */
public record FitResult(double[] parameters, double logLikelihood, int iterations, boolean converged,
        double gradientNorm, long customers, Duration wallTime, String message) {

    public FitResult {
        parameters = parameters.clone();
    }

    @Override
    public double[] parameters() {
        return parameters.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FitResult that && Arrays.equals(parameters, that.parameters)
                && Double.compare(logLikelihood, that.logLikelihood) == 0 && iterations == that.iterations
                && converged == that.converged && Double.compare(gradientNorm, that.gradientNorm) == 0
                && customers == that.customers && wallTime.equals(that.wallTime) && message.equals(that.message);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parameters) * 31 + message.hashCode();
    }

    @Override
    public String toString() {
        return "FitResult[parameters=" + Arrays.toString(parameters) + ", logLikelihood=" + logLikelihood
                + ", iterations=" + iterations + ", converged=" + converged + ", gradientNorm=" + gradientNorm
                + ", customers=" + customers + ", wallTime=" + wallTime + ", message=" + message + "]";
    }
}
