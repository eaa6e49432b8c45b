package dev.onetoone.model;

import java.util.function.DoubleUnaryOperator;

/**
 * Tanh-sinh (double-exponential) quadrature of a function given by its logarithm, returning the logarithm of
 * the integral (Takahasi &amp; Mori 1974; Bailey, Jeyabalan &amp; Li 2005, "A comparison of three high-precision
 * quadrature schemes", section 3).
 *
 * <p>Used where a closed form needs too many series terms: the nodes cluster double-exponentially at the
 * end points, so integrands with an integrable singularity or a sharp peak at an end point (a Beta density
 * with shape below one, (alpha + y)^-(r + x) with x in the hundreds) are integrated to near machine precision
 * with a few hundred evaluations. The integrand receives the node and its distance to each end point, so
 * log-densities stay accurate right next to the ends. Node positions and weights are tabulated once; the sum
 * is kept relative to its running maximum so each node costs one exponential besides the integrand.
 */
final class LogSpaceQuadrature {

    /** Log of the integrand at y, given also y - lower and upper - y (both computed without cancellation). */
    @FunctionalInterface
    interface LogIntegrand {
        double logValue(double y, double distanceFromLower, double distanceToUpper);
    }

    /** Integrand-weighted averages of extra functions of y, filled per node by the caller. */
    @FunctionalInterface
    interface Moments {
        void values(double y, double[] out);
    }

    private static final int MAX_LEVELS = 10;
    private static final double RELATIVE_TOLERANCE = 1e-13;
    private static final double CONVERGED_CHANGE = 1e-7;
    /** Beyond |t| = 6 a node is within 1e-270 of an end point, or underflows there and is skipped. */
    private static final double T_MAX = 6.0;
    private static final double FIRST_STEP = 0.5;

    /** Per level: fraction of the width from the lower end, to the upper end, and log of dy/dt per width. */
    private static final double[][] FRACTION_FROM_LOWER = new double[MAX_LEVELS + 1][];
    private static final double[][] FRACTION_TO_UPPER = new double[MAX_LEVELS + 1][];
    private static final double[][] LOG_WEIGHT = new double[MAX_LEVELS + 1][];

    static {
        for (int level = 0; level <= MAX_LEVELS; level++) {
            double step = FIRST_STEP / (1 << level);
            double first = level == 0 ? -T_MAX : -T_MAX + step;
            double increment = level == 0 ? step : 2.0 * step;
            int count = (int) Math.floor((T_MAX - first) / increment + 1e-9) + 1;
            FRACTION_FROM_LOWER[level] = new double[count];
            FRACTION_TO_UPPER[level] = new double[count];
            LOG_WEIGHT[level] = new double[count];
            for (int i = 0; i < count; i++) {
                double t = first + i * increment;
                // y = lower + width sigma(2u), u = (pi/2) sinh t; dy/dt = width pi cosh t sigma(2u) sigma(-2u).
                double u = 0.5 * Math.PI * Math.sinh(t);
                double logFromLower = -SpecialFunctions.log1pExp(-2.0 * u);
                double logToUpper = -SpecialFunctions.log1pExp(2.0 * u);
                FRACTION_FROM_LOWER[level][i] = Math.exp(logFromLower);
                FRACTION_TO_UPPER[level][i] = Math.exp(logToUpper);
                LOG_WEIGHT[level][i] = Math.log(Math.PI * Math.cosh(t)) + logFromLower + logToUpper;
            }
        }
    }

    private LogSpaceQuadrature() {
    }

    /** log of the integral of exp(logIntegrand) over [lower, upper]; {@code -Infinity} for an empty interval. */
    static double logIntegral(LogIntegrand logIntegrand, double lower, double upper) {
        return logIntegral(logIntegrand, null, new double[0], lower, upper);
    }

    /** Convenience overload for integrands that only need the node. */
    static double logIntegral(DoubleUnaryOperator logIntegrand, double lower, double upper) {
        return logIntegral((y, fromLower, toUpper) -> logIntegrand.applyAsDouble(y), lower, upper);
    }

    /**
     * log of the integral of f = exp(logIntegrand) over [lower, upper], and in {@code meansOut} the averages
     * of the moment functions under f (integral of f g_k divided by the integral of f), from the same nodes.
     */
    static double logIntegral(LogIntegrand logIntegrand, Moments moments, double[] meansOut, double lower,
            double upper) {
        if (!(upper > lower)) {
            java.util.Arrays.fill(meansOut, Double.NaN);
            return Double.NEGATIVE_INFINITY;
        }
        int momentCount = meansOut.length;
        double width = upper - lower;
        double[] values = new double[momentCount];
        double[] momentSums = new double[momentCount];
        double maximum = Double.NEGATIVE_INFINITY;
        double scaledSum = 0.0;
        double previous = Double.NaN;
        double previousChange = Double.POSITIVE_INFINITY;
        for (int level = 0; level <= MAX_LEVELS; level++) {
            double[] fromLower = FRACTION_FROM_LOWER[level];
            double[] toUpper = FRACTION_TO_UPPER[level];
            double[] logWeight = LOG_WEIGHT[level];
            for (int i = 0; i < fromLower.length; i++) {
                double distanceFromLower = width * fromLower[i];
                double distanceToUpper = width * toUpper[i];
                if (distanceFromLower == 0.0 || distanceToUpper == 0.0) {
                    continue;
                }
                double y = distanceFromLower <= distanceToUpper ? lower + distanceFromLower : upper - distanceToUpper;
                double logValue = logIntegrand.logValue(y, distanceFromLower, distanceToUpper) + logWeight[i];
                if (!(logValue > Double.NEGATIVE_INFINITY) || Double.isNaN(logValue)) {
                    continue;
                }
                if (logValue > maximum) {
                    double rescale = Math.exp(maximum - logValue);
                    scaledSum *= rescale;
                    for (int k = 0; k < momentCount; k++) {
                        momentSums[k] *= rescale;
                    }
                    maximum = logValue;
                }
                double contribution = Math.exp(logValue - maximum);
                scaledSum += contribution;
                if (momentCount > 0) {
                    moments.values(y, values);
                    for (int k = 0; k < momentCount; k++) {
                        momentSums[k] += contribution * values[k];
                    }
                }
            }
            double step = FIRST_STEP / (1 << level);
            double current = maximum + Math.log(scaledSum) + Math.log(step * width);
            if (level > 0) {
                double change = Math.abs(current - previous);
                // In its asymptotic regime the error after a halving is about the square of the change between
                // the last two levels (Bailey et al. 2005, section 3): a change of 1e-7 that is still shrinking
                // fast already means an error near 1e-14.
                if (level >= 3 && (change < RELATIVE_TOLERANCE
                        || (change < CONVERGED_CHANGE && change < 0.1 * previousChange))) {
                    previous = current;
                    break;
                }
                previousChange = change;
            }
            previous = current;
        }
        for (int k = 0; k < momentCount; k++) {
            meansOut[k] = momentSums[k] / scaledSum;
        }
        return previous;
    }
}
