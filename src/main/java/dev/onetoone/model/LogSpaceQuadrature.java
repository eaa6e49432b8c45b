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
 * log-densities stay accurate right next to the ends.
 */
final class LogSpaceQuadrature {

    /** Log of the integrand at y, given also y - lower and upper - y (both computed without cancellation). */
    @FunctionalInterface
    interface LogIntegrand {
        double logValue(double y, double distanceFromLower, double distanceToUpper);
    }

    private static final int MAX_LEVELS = 10;
    private static final double RELATIVE_TOLERANCE = 1e-13;
    /** Beyond |t| = 6 a node is within 1e-270 of an end point, or underflows there and is skipped. */
    private static final double T_MAX = 6.0;

    private LogSpaceQuadrature() {
    }

    /** log of the integral of exp(logIntegrand) over [lower, upper]; {@code -Infinity} for an empty interval. */
    static double logIntegral(LogIntegrand logIntegrand, double lower, double upper) {
        if (!(upper > lower)) {
            return Double.NEGATIVE_INFINITY;
        }
        double halfWidth = 0.5 * (upper - lower);
        double step = 0.5;
        // Level 0: nodes at multiples of step; each further level halves the step and adds the odd nodes.
        double logSum = Double.NEGATIVE_INFINITY;
        for (double t = -T_MAX; t <= T_MAX + 1e-12; t += step) {
            logSum = SpecialFunctions.logSumExp(logSum, logNodeContribution(logIntegrand, lower, upper, halfWidth, t));
        }
        double previous = logSum + Math.log(step);
        for (int level = 1; level <= MAX_LEVELS; level++) {
            step *= 0.5;
            for (double t = -T_MAX + step; t < T_MAX; t += 2.0 * step) {
                logSum = SpecialFunctions.logSumExp(logSum,
                        logNodeContribution(logIntegrand, lower, upper, halfWidth, t));
            }
            double current = logSum + Math.log(step);
            if (level >= 3 && Math.abs(current - previous) < RELATIVE_TOLERANCE) {
                return current;
            }
            previous = current;
        }
        return previous;
    }

    private static double logNodeContribution(LogIntegrand logIntegrand, double lower, double upper,
            double halfWidth, double t) {
        // y = midpoint + halfWidth tanh(u), u = (pi/2) sinh t. The distances to the end points are
        // halfWidth (1 +- tanh u) = 2 halfWidth / (1 + exp(-+2u)), evaluated in log space.
        double u = 0.5 * Math.PI * Math.sinh(t);
        double logDistanceFromLower = Math.log(2.0 * halfWidth) - SpecialFunctions.log1pExp(-2.0 * u);
        double logDistanceToUpper = Math.log(2.0 * halfWidth) - SpecialFunctions.log1pExp(2.0 * u);
        double distanceFromLower = Math.exp(logDistanceFromLower);
        double distanceToUpper = Math.exp(logDistanceToUpper);
        if (distanceFromLower == 0.0 || distanceToUpper == 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        double y = distanceFromLower <= distanceToUpper ? lower + distanceFromLower : upper - distanceToUpper;
        // dy/dt = halfWidth (pi/2) cosh t sech^2 u = (pi/2) cosh t (d_lower d_upper) / halfWidth.
        double logJacobian = Math.log(0.5 * Math.PI * Math.cosh(t)) + logDistanceFromLower + logDistanceToUpper
                - Math.log(halfWidth);
        double value = logIntegrand.logValue(y, distanceFromLower, distanceToUpper);
        if (Double.isNaN(value)) {
            return Double.NEGATIVE_INFINITY;
        }
        return value + logJacobian;
    }

    /** Convenience overload for integrands that only need the node. */
    static double logIntegral(DoubleUnaryOperator logIntegrand, double lower, double upper) {
        return logIntegral((y, fromLower, toUpper) -> logIntegrand.applyAsDouble(y), lower, upper);
    }
}
