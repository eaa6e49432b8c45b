package dev.onetoone.model;

import java.util.function.DoubleUnaryOperator;

/**
 * Gauss-Legendre quadrature for the tests, independent of the production code: nodes are the roots of
 * P_n found by Newton's method from the Chebyshev-like initial guess cos(pi (i - 1/4) / (n + 1/2)).
 */
final class GaussLegendre {

    private final double[] nodes;
    private final double[] weights;

    GaussLegendre(int order) {
        nodes = new double[order];
        weights = new double[order];
        for (int i = 0; i < order; i++) {
            double root = Math.cos(Math.PI * (i + 0.75) / (order + 0.5));
            double derivative = 0.0;
            for (int iteration = 0; iteration < 100; iteration++) {
                double previous = 1.0;
                double current = root;
                for (int k = 2; k <= order; k++) {
                    double next = ((2.0 * k - 1.0) * root * current - (k - 1.0) * previous) / k;
                    previous = current;
                    current = next;
                }
                derivative = order * (root * current - previous) / (root * root - 1.0);
                double step = current / derivative;
                root -= step;
                if (Math.abs(step) < 1e-16) {
                    break;
                }
            }
            nodes[i] = root;
            weights[i] = 2.0 / ((1.0 - root * root) * derivative * derivative);
        }
    }

    double integrate(DoubleUnaryOperator function, double lower, double upper) {
        double half = 0.5 * (upper - lower);
        double middle = 0.5 * (upper + lower);
        double sum = 0.0;
        for (int i = 0; i < nodes.length; i++) {
            sum += weights[i] * function.applyAsDouble(middle + half * nodes[i]);
        }
        return sum * half;
    }

    /** Sum of Gauss-Legendre integrals over consecutive pieces split at the given break points. */
    double integratePiecewise(DoubleUnaryOperator function, double... breaks) {
        double sum = 0.0;
        for (int i = 0; i + 1 < breaks.length; i++) {
            sum += integrate(function, breaks[i], breaks[i + 1]);
        }
        return sum;
    }
}
