package dev.onetoone.model;

/**
 * A {@link LogLikelihoodObjective} over customer summaries held in arrays, each row weighted (for example by
 * the number of customers sharing a distinct summary). Intended for tests and small data; a distributed
 * implementation sums the same per-customer {@code logLikelihoodAndGradient} calls into
 * {@link ValueAndGradient} partial sums and merges them.
 */
public final class InMemoryObjective implements LogLikelihoodObjective {

    /** One customer's log-likelihood and gradient for the given log-parameters; the model-specific part. */
    @FunctionalInterface
    private interface RowContribution {
        double evaluate(double[] logParameters, int row, double[] gradientOut);
    }

    private final int dimension;
    private final int rows;
    private final double[] weights;
    private final RowContribution contribution;

    private InMemoryObjective(int dimension, int rows, double[] weights, RowContribution contribution) {
        this.dimension = dimension;
        this.rows = rows;
        this.weights = weights == null ? null : weights.clone();
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("weights has " + weights.length + " rows, expected " + rows);
        }
        this.contribution = contribution;
    }

    /** BG/NBD over (x, t_x, T) rows; {@code weights} may be null for unit weights. */
    public static InMemoryObjective bgNbd(double[] x, double[] recency, double[] age, double[] weights) {
        double[] xs = x.clone();
        double[] recencies = recency.clone();
        double[] ages = age.clone();
        requireSameLength(xs.length, recencies.length, ages.length);
        return new InMemoryObjective(BgNbdParameters.DIMENSION, xs.length, weights, (logParameters, row, out) ->
                BgNbd.logLikelihoodAndGradient(BgNbdParameters.fromLogParameters(logParameters), xs[row],
                        recencies[row], ages[row], out));
    }

    /** Pareto/NBD over (x, t_x, T) rows; {@code weights} may be null for unit weights. */
    public static InMemoryObjective paretoNbd(double[] x, double[] recency, double[] age, double[] weights) {
        double[] xs = x.clone();
        double[] recencies = recency.clone();
        double[] ages = age.clone();
        requireSameLength(xs.length, recencies.length, ages.length);
        return new InMemoryObjective(ParetoNbdParameters.DIMENSION, xs.length, weights, (logParameters, row, out) ->
                ParetoNbd.logLikelihoodAndGradient(ParetoNbdParameters.fromLogParameters(logParameters), xs[row],
                        recencies[row], ages[row], out));
    }

    /** MBG/NBD over (x, t_x, T) rows; {@code weights} may be null for unit weights. */
    public static InMemoryObjective mbgNbd(double[] x, double[] recency, double[] age, double[] weights) {
        double[] xs = x.clone();
        double[] recencies = recency.clone();
        double[] ages = age.clone();
        requireSameLength(xs.length, recencies.length, ages.length);
        return new InMemoryObjective(MbgNbdParameters.DIMENSION, xs.length, weights, (logParameters, row, out) ->
                MbgNbd.logLikelihoodAndGradient(MbgNbdParameters.fromLogParameters(logParameters), xs[row],
                        recencies[row], ages[row], out));
    }

    /** Gamma-Gamma over (x, m) rows with x &ge; 1; {@code weights} may be null for unit weights. */
    public static InMemoryObjective gammaGamma(double[] x, double[] meanSpend, double[] weights) {
        double[] xs = x.clone();
        double[] spends = meanSpend.clone();
        requireSameLength(xs.length, spends.length, spends.length);
        return new InMemoryObjective(GammaGammaParameters.DIMENSION, xs.length, weights, (logParameters, row, out) ->
                GammaGamma.logLikelihoodAndGradient(GammaGammaParameters.fromLogParameters(logParameters), xs[row],
                        spends[row], out));
    }

    private static void requireSameLength(int first, int second, int third) {
        if (first != second || first != third) {
            throw new IllegalArgumentException("columns differ in length: " + first + ", " + second + ", " + third);
        }
    }

    @Override
    public Evaluation evaluate(double[] logParameters) {
        Parameters.requireLength(logParameters, dimension);
        ValueAndGradient sum = new ValueAndGradient(dimension);
        double[] gradient = new double[dimension];
        for (int row = 0; row < rows; row++) {
            double weight = weights == null ? 1.0 : weights[row];
            if (weight == 0.0) {
                continue;
            }
            double value = contribution.evaluate(logParameters, row, gradient);
            sum.add(weight, value, gradient);
        }
        return sum.toEvaluation();
    }
}
