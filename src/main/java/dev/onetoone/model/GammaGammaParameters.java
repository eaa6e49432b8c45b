package dev.onetoone.model;

/**
 * Gamma-Gamma spend parameters (Fader, Hardie &amp; Lee 2005, "RFM and CLV", section 3): each transaction
 * value ~ Gamma(shape p, rate nu) and nu ~ Gamma(shape q, rate gamma). All three must be positive and finite.
 */
public record GammaGammaParameters(double p, double q, double gamma) {

    /** Number of parameters, the length of {@link #toArray()}. */
    public static final int DIMENSION = 3;

    public GammaGammaParameters {
        Parameters.requirePositive("p", p);
        Parameters.requirePositive("q", q);
        Parameters.requirePositive("gamma", gamma);
    }

    /** Parameters from (log p, log q, log gamma). */
    public static GammaGammaParameters fromLogParameters(double[] logParameters) {
        Parameters.requireLength(logParameters, DIMENSION);
        return new GammaGammaParameters(Math.exp(logParameters[0]), Math.exp(logParameters[1]),
                Math.exp(logParameters[2]));
    }

    /** Parameters from (p, q, gamma). */
    public static GammaGammaParameters fromArray(double[] parameters) {
        Parameters.requireLength(parameters, DIMENSION);
        return new GammaGammaParameters(parameters[0], parameters[1], parameters[2]);
    }

    /** (p, q, gamma). */
    public double[] toArray() {
        return new double[] {p, q, gamma};
    }

    /** (log p, log q, log gamma), the space the fitter works in. */
    public double[] toLogArray() {
        return new double[] {Math.log(p), Math.log(q), Math.log(gamma)};
    }

    /** Population mean transaction value E[p / nu] = p gamma / (q - 1); infinite for q &le; 1. */
    public double populationMeanSpend() {
        return q > 1.0 ? p * gamma / (q - 1.0) : Double.POSITIVE_INFINITY;
    }
}
