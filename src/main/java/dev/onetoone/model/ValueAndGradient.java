package dev.onetoone.model;

import java.io.Serializable;

/**
 * Mergeable running sum of weighted per-customer log-likelihoods and gradients with respect to the
 * log-parameters. One instance per partition, filled with {@link #add}, combined with {@link #merge}; the
 * order of additions does not matter beyond floating-point rounding.
 */
public final class ValueAndGradient implements Serializable {

    private static final long serialVersionUID = 1L;

    private double logLikelihood;
    private final double[] gradient;
    private double totalWeight;

    /** Empty sum for a model with the given number of parameters. */
    public ValueAndGradient(int dimension) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive, was " + dimension);
        }
        this.gradient = new double[dimension];
    }

    /**
     * Adds weight times one customer's log-likelihood and gradient (for example the count of customers
     * sharing a distinct summary).
     */
    public ValueAndGradient add(double weight, double customerLogLikelihood, double[] customerGradient) {
        if (customerGradient.length != gradient.length) {
            throw new IllegalArgumentException("gradient has " + customerGradient.length + " components, expected "
                    + gradient.length);
        }
        if (weight == 0.0) {
            return this;
        }
        logLikelihood += weight * customerLogLikelihood;
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] += weight * customerGradient[i];
        }
        totalWeight += weight;
        return this;
    }

    /** Adds another partial sum into this one and returns this. */
    public ValueAndGradient merge(ValueAndGradient other) {
        if (other.gradient.length != gradient.length) {
            throw new IllegalArgumentException("cannot merge sums of different dimensions");
        }
        logLikelihood += other.logLikelihood;
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] += other.gradient[i];
        }
        totalWeight += other.totalWeight;
        return this;
    }

    public double logLikelihood() {
        return logLikelihood;
    }

    public double[] gradient() {
        return gradient.clone();
    }

    public double totalWeight() {
        return totalWeight;
    }

    /** The sum as an objective evaluation; customers is the total weight rounded to a count. */
    public LogLikelihoodObjective.Evaluation toEvaluation() {
        return new LogLikelihoodObjective.Evaluation(logLikelihood, gradient, Math.round(totalWeight));
    }
}
