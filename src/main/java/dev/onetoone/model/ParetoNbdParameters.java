package dev.onetoone.model;

/**
 * Pareto/NBD parameters (Schmittlein, Morrison &amp; Colombo 1987): purchase rates lambda ~ Gamma(shape r,
 * rate alpha) and dropout rates mu ~ Gamma(shape s, rate beta). All four must be positive and finite.
 */
public record ParetoNbdParameters(double r, double alpha, double s, double beta) {

    /** Number of parameters, the length of {@link #toArray()}. */
    public static final int DIMENSION = 4;

    public ParetoNbdParameters {
        Parameters.requirePositive("r", r);
        Parameters.requirePositive("alpha", alpha);
        Parameters.requirePositive("s", s);
        Parameters.requirePositive("beta", beta);
    }

    /** Parameters from (log r, log alpha, log s, log beta). */
    public static ParetoNbdParameters fromLogParameters(double[] logParameters) {
        Parameters.requireLength(logParameters, DIMENSION);
        return new ParetoNbdParameters(Math.exp(logParameters[0]), Math.exp(logParameters[1]),
                Math.exp(logParameters[2]), Math.exp(logParameters[3]));
    }

    /** Parameters from (r, alpha, s, beta). */
    public static ParetoNbdParameters fromArray(double[] parameters) {
        Parameters.requireLength(parameters, DIMENSION);
        return new ParetoNbdParameters(parameters[0], parameters[1], parameters[2], parameters[3]);
    }

    /** (r, alpha, s, beta). */
    public double[] toArray() {
        return new double[] {r, alpha, s, beta};
    }

    /** (log r, log alpha, log s, log beta), the space the fitter works in. */
    public double[] toLogArray() {
        return new double[] {Math.log(r), Math.log(alpha), Math.log(s), Math.log(beta)};
    }
}
