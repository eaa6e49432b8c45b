package dev.onetoone.model;

import static dev.onetoone.model.SpecialFunctions.digamma;
import static dev.onetoone.model.SpecialFunctions.logGamma;

/**
 * The Gamma-Gamma model of average transaction value, Fader, Hardie &amp; Lee (2005), "RFM and CLV: using
 * iso-value curves for customer base analysis", Journal of Marketing Research 42(4), eqs. (1)-(5) and the
 * appendix; restated in Fader &amp; Hardie (2013), "The Gamma-Gamma model of monetary value".
 *
 * <p>Transaction values are Gamma(p, nu) and nu ~ Gamma(q, gamma). A customer's mean m over x transactions is
 * then Gamma(p x, nu x) given nu; x enters the density of m both as the shape p x and as the scale of m x,
 * which is how the number of transactions weights each customer's evidence. Customers with x = 0 carry no
 * spend information and are rejected.
 */
public final class GammaGamma {

    private GammaGamma() {
    }

    /**
     * log f(m | x; p, q, gamma), the marginal density of the mean of x transactions (FHL 2005, appendix):
     * <pre>
     *   f(m | x) = Gamma(p x + q) / (Gamma(p x) Gamma(q)) gamma^q m^(p x - 1) x^(p x) / (gamma + m x)^(p x + q)
     * </pre>
     */
    public static double logLikelihood(GammaGammaParameters parameters, double x, double meanSpend) {
        requireSpendSummary(x, meanSpend);
        double p = parameters.p();
        double q = parameters.q();
        double gamma = parameters.gamma();
        double px = p * x;
        return logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(gamma) + (px - 1.0) * Math.log(meanSpend)
                + px * Math.log(x) - (px + q) * Math.log(gamma + meanSpend * x);
    }

    /**
     * log f(m | x) and, in {@code gradientOut}, its analytic gradient with respect to (log p, log q, log gamma):
     * <pre>
     *   d/dp     = x [psi(p x + q) - psi(p x) + log m + log x - log(gamma + m x)]
     *   d/dq     = psi(p x + q) - psi(q) + log gamma - log(gamma + m x)
     *   d/dgamma = q / gamma - (p x + q) / (gamma + m x)
     * </pre>
     * each multiplied by its parameter for the log scale. log(gamma + m x) - log(m x) is taken as
     * log1p(gamma / (m x)) so the p-derivative does not cancel for large m x.
     *
     * @return the log-likelihood
     */
    public static double logLikelihoodAndGradient(GammaGammaParameters parameters, double x, double meanSpend,
            double[] gradientOut) {
        requireSpendSummary(x, meanSpend);
        double p = parameters.p();
        double q = parameters.q();
        double gamma = parameters.gamma();
        double px = p * x;
        double total = meanSpend * x;
        double logGammaTotal = Math.log(gamma + total);
        double digammaShape = digamma(px + q);
        gradientOut[0] = p * x * (digammaShape - digamma(px) - Math.log1p(gamma / total));
        gradientOut[1] = q * (digammaShape - digamma(q) + Math.log(gamma) - logGammaTotal);
        gradientOut[2] = q - (px + q) * gamma / (gamma + total);
        return logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(gamma) + (px - 1.0) * Math.log(meanSpend)
                + px * Math.log(x) - (px + q) * logGammaTotal;
    }

    /**
     * E[Z | x, m] = p (gamma + m x) / (p x + q - 1), the posterior mean of p / nu (FHL 2005, eq. 5), written as the
     * credibility-weighted average
     * <pre>
     *   E[Z | x, m] = (q - 1) / (p x + q - 1) * p gamma / (q - 1) + p x / (p x + q - 1) * m
     * </pre>
     * of the population mean p gamma / (q - 1) and the observed mean m; the weight on m tends to one as x
     * grows. Requires p x + q &gt; 1 for the posterior mean of 1/nu to exist.
     */
    public static double conditionalExpectedSpend(GammaGammaParameters parameters, double x, double meanSpend) {
        requireSpendSummary(x, meanSpend);
        double p = parameters.p();
        double denominator = p * x + parameters.q() - 1.0;
        if (!(denominator > 0.0)) {
            return Double.POSITIVE_INFINITY;
        }
        return p * (parameters.gamma() + meanSpend * x) / denominator;
    }

    private static void requireSpendSummary(double x, double meanSpend) {
        if (!(x > 0.0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("x must be a positive number of transactions, was " + x);
        }
        if (!(meanSpend > 0.0) || Double.isInfinite(meanSpend)) {
            throw new IllegalArgumentException("mean spend must be positive and finite, was " + meanSpend);
        }
    }
}
