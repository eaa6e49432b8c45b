package dev.onetoone.model;

/**
 * MBG/NBD parameters (Batislam, Denizel &amp; Filiztekin 2007): purchase rates lambda ~ Gamma(shape r, rate alpha) and
 * dropout probabilities p ~ Beta(a, b), the same mixing distributions as {@link BgNbdParameters}. All four must be
 * positive and finite.
 */
public record MbgNbdParameters(double r, double alpha, double a, double b) {

    /** Number of parameters, the length of {@link #toArray()}. */
    public static final int DIMENSION = 4;

    public MbgNbdParameters {
        Parameters.requirePositive("r", r);
        Parameters.requirePositive("alpha", alpha);
        Parameters.requirePositive("a", a);
        Parameters.requirePositive("b", b);
    }

    /** Parameters from (log r, log alpha, log a, log b). */
    public static MbgNbdParameters fromLogParameters(double[] logParameters) {
        Parameters.requireLength(logParameters, DIMENSION);
        return new MbgNbdParameters(Math.exp(logParameters[0]), Math.exp(logParameters[1]),
                Math.exp(logParameters[2]), Math.exp(logParameters[3]));
    }

    /** Parameters from (r, alpha, a, b). */
    public static MbgNbdParameters fromArray(double[] parameters) {
        Parameters.requireLength(parameters, DIMENSION);
        return new MbgNbdParameters(parameters[0], parameters[1], parameters[2], parameters[3]);
    }

    /** (r, alpha, a, b). */
    public double[] toArray() {
        return new double[] {r, alpha, a, b};
    }

    /** (log r, log alpha, log a, log b), the space the fitter works in. */
    public double[] toLogArray() {
        return new double[] {Math.log(r), Math.log(alpha), Math.log(a), Math.log(b)};
    }
}
