package dev.onetoone.model;

import static dev.onetoone.model.SpecialFunctions.digamma;
import static dev.onetoone.model.SpecialFunctions.logGamma;
import static dev.onetoone.model.SpecialFunctions.logHypergeometric2F1;
import static dev.onetoone.model.SpecialFunctions.logSumExp;

/**
 * The Pareto/NBD model of Schmittlein, Morrison &amp; Colombo (1987), "Counting your customers: who are they
 * and what will they do next?", Management Science 33(1), in the form of Fader &amp; Hardie (2005), "A note on
 * deriving the Pareto/NBD model and related expressions" (cited as FH05 by section: 3 likelihood, 4 mean,
 * 5 P(alive), 6 conditional expectation).
 *
 * <p>The likelihood (FH05 section 3) is
 * <pre>
 *   L = Gamma(r+x) alpha^r beta^s / Gamma(r) [ (alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) A0 ]
 * </pre>
 * where A0 is a difference of two 2F1 terms whose form depends on whether alpha &ge; beta. Both forms are
 * antiderivatives of one positive integral,
 * <pre>
 *   s/(r+s+x) A0 = s I,   I = integral over y in (t_x, T) of (alpha+y)^-(r+x) (beta+y)^-(s+1) dy,
 * </pre>
 * (the "dies at y" part of the individual likelihood integrated over lambda and mu), so this class works
 * with log I: from the hypergeometric antiderivative when its series is short and the difference does not
 * cancel, otherwise by log-space tanh-sinh quadrature of the integral itself. Everything is in log space,
 * so x in the thousands does not overflow.
 *
 * <p>The gradient is analytic except for d log I / d log theta: that is a central finite difference of the
 * hypergeometric form in log-parameter space (step 1e-4) where that form is used, and exact differentiation
 * under the integral sign, on the same quadrature nodes, where I is integrated numerically.
 */
public final class ParetoNbd {

    /** Above this many series terms the integral representation is evaluated by quadrature instead. */
    private static final double SERIES_TERM_LIMIT = 3_000;
    /** Below this log-gap between the two antiderivative values the difference cancels too much. */
    private static final double MINIMUM_LOG_GAP = 1e-3;
    private static final double DIFFERENCE_STEP = 1e-4;

    private ParetoNbd() {
    }

    /** Per-customer log-likelihood, FH05 section 3, in log space (see the class comment). */
    public static double logLikelihood(ParetoNbdParameters parameters, double x, double recency, double age) {
        Parameters.requireSummary(x, recency, age);
        double lower = x == 0.0 ? 0.0 : recency;
        double r = parameters.r();
        double alpha = parameters.alpha();
        double s = parameters.s();
        double beta = parameters.beta();
        double logConstant = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
        double aliveTerm = -(r + x) * Math.log(alpha + age) - s * Math.log(beta + age);
        double dropoutTerm = Math.log(s) + logDropoutIntegral(r, alpha, s, beta, x, lower, age);
        return logConstant + logSumExp(aliveTerm, dropoutTerm);
    }

    /**
     * Per-customer log-likelihood and, written into {@code gradientOut}, its gradient with respect to
     * (log r, log alpha, log s, log beta). The constant and "alive" terms are differentiated analytically;
     * log I by central differences in log-parameter space.
     *
     * @return the log-likelihood
     */
    public static double logLikelihoodAndGradient(ParetoNbdParameters parameters, double x, double recency,
            double age, double[] gradientOut) {
        Parameters.requireSummary(x, recency, age);
        double lower = x == 0.0 ? 0.0 : recency;
        double r = parameters.r();
        double alpha = parameters.alpha();
        double s = parameters.s();
        double beta = parameters.beta();
        double logAlphaAge = Math.log(alpha + age);
        double logBetaAge = Math.log(beta + age);
        double logConstant = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
        double aliveTerm = -(r + x) * logAlphaAge - s * logBetaAge;
        double dropoutTerm = Math.log(s) + logDropoutIntegral(r, alpha, s, beta, x, lower, age);
        double mix = logSumExp(aliveTerm, dropoutTerm);
        double aliveWeight = Math.exp(aliveTerm - mix);
        double dropoutWeight = Math.exp(dropoutTerm - mix);

        double[] integralGradient = new double[4];
        if (dropoutWeight > 0.0) {
            logDropoutIntegralGradient(parameters, x, lower, age, integralGradient);
        }
        // d/d log theta of each term; the constant's derivatives are digamma and log terms.
        gradientOut[0] = r * (digamma(r + x) - digamma(r) + Math.log(alpha))
                + aliveWeight * (-r * logAlphaAge) + dropoutWeight * integralGradient[0];
        gradientOut[1] = r + aliveWeight * (-(r + x) * alpha / (alpha + age)) + dropoutWeight * integralGradient[1];
        gradientOut[2] = s * Math.log(beta) + aliveWeight * (-s * logBetaAge)
                + dropoutWeight * (1.0 + integralGradient[2]);
        gradientOut[3] = s + aliveWeight * (-s * beta / (beta + age)) + dropoutWeight * integralGradient[3];
        return logConstant + mix;
    }

    /**
     * d log I / d log theta. When the hypergeometric form is usable, by central differences of it in
     * log-parameter space (step 1e-4; truncation error about 1e-9 relative, rounding about 1e-11 times |log I|).
     * Otherwise from the quadrature nodes, differentiating under the integral sign:
     * d log I / d log r = -r E[log(alpha+y)], d log I / d log alpha = -alpha (r+x) E[1/(alpha+y)],
     * d log I / d log s = -s E[log(beta+y)], d log I / d log beta = -beta (s+1) E[1/(beta+y)], expectations
     * under the normalised integrand.
     */
    private static void logDropoutIntegralGradient(ParetoNbdParameters parameters, double x, double lower,
            double upper, double[] out) {
        double r = parameters.r();
        double alpha = parameters.alpha();
        double s = parameters.s();
        double beta = parameters.beta();
        if (!Double.isNaN(logDropoutIntegralSeries(r, alpha, s, beta, x, lower, upper, alpha >= beta))) {
            double[] logParameters = parameters.toLogArray();
            for (int k = 0; k < 4; k++) {
                double saved = logParameters[k];
                logParameters[k] = saved + DIFFERENCE_STEP;
                double up = logDropoutIntegral(logParameters, x, lower, upper);
                logParameters[k] = saved - DIFFERENCE_STEP;
                double down = logDropoutIntegral(logParameters, x, lower, upper);
                logParameters[k] = saved;
                out[k] = (up - down) / (2.0 * DIFFERENCE_STEP);
            }
            return;
        }
        double rate = r + x;
        double dropoutShape = s + 1.0;
        double[] means = new double[4];
        LogSpaceQuadrature.logIntegral(
                (y, fromLower, toUpper) -> -rate * Math.log(alpha + y) - dropoutShape * Math.log(beta + y),
                (y, values) -> {
                    values[0] = Math.log(alpha + y);
                    values[1] = 1.0 / (alpha + y);
                    values[2] = Math.log(beta + y);
                    values[3] = 1.0 / (beta + y);
                }, means, lower, upper);
        out[0] = -r * means[0];
        out[1] = -alpha * rate * means[1];
        out[2] = -s * means[2];
        out[3] = -beta * dropoutShape * means[3];
    }

    private static double logDropoutIntegral(double[] logParameters, double x, double lower, double age) {
        return logDropoutIntegral(Math.exp(logParameters[0]), Math.exp(logParameters[1]), Math.exp(logParameters[2]),
                Math.exp(logParameters[3]), x, lower, age);
    }

    /**
     * P(alive at T | x, t_x, T): the alive term's share of the likelihood (FH05 section 5; Schmittlein et al. 1987,
     * section 3), 1 / (1 + s I (alpha+T)^(r+x) (beta+T)^s), via log1pExp.
     */
    public static double probabilityAlive(ParetoNbdParameters parameters, double x, double recency, double age) {
        Parameters.requireSummary(x, recency, age);
        return Math.exp(logProbabilityAlive(parameters, x, recency, age));
    }

    static double logProbabilityAlive(ParetoNbdParameters parameters, double x, double recency, double age) {
        double lower = x == 0.0 ? 0.0 : recency;
        double r = parameters.r();
        double s = parameters.s();
        double aliveTerm = -(r + x) * Math.log(parameters.alpha() + age) - s * Math.log(parameters.beta() + age);
        double dropoutTerm = Math.log(s) + logDropoutIntegral(r, parameters.alpha(), s, parameters.beta(), x, lower,
                age);
        return -SpecialFunctions.log1pExp(dropoutTerm - aliveTerm);
    }

    /**
     * Unconditional E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (FH05 section 4), with the bracket
     * over (s-1) evaluated as -expm1(-(s-1) log1p(t/beta)) / (s-1), which is finite and accurate at s = 1.
     */
    public static double expectedPurchases(ParetoNbdParameters parameters, double duration) {
        Parameters.requirePositive("t", duration);
        double r = parameters.r();
        return r / parameters.alpha() * parameters.beta()
                * lifetimeFactor(parameters.s(), Math.log1p(duration / parameters.beta()));
    }

    /**
     * E[Y(t) | x, t_x, T], expected purchases in (T, T+t] (FH05 section 6):
     * P(alive) (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)], bracket handled as in
     * {@link #expectedPurchases}.
     */
    public static double conditionalExpectedPurchases(ParetoNbdParameters parameters, double x, double recency,
            double age, double duration) {
        Parameters.requireSummary(x, recency, age);
        Parameters.requirePositive("t", duration);
        double betaAge = parameters.beta() + age;
        double givenAlive = (parameters.r() + x) / (parameters.alpha() + age) * betaAge
                * lifetimeFactor(parameters.s(), Math.log1p(duration / betaAge));
        return givenAlive * Math.exp(logProbabilityAlive(parameters, x, recency, age));
    }

    /** [1 - exp(-(s-1) L)] / (s-1), which tends to L as s -&gt; 1. */
    private static double lifetimeFactor(double s, double logRatio) {
        double exponent = (s - 1.0) * logRatio;
        if (Math.abs(exponent) < 1e-12) {
            return logRatio * (1.0 - 0.5 * exponent);
        }
        return -Math.expm1(-exponent) / (s - 1.0);
    }

    /**
     * log I, I = integral over (lower, upper) of (alpha+y)^-(r+x) (beta+y)^-(s+1) dy.
     *
     * <p>With k = r+s+x, the antiderivative (FH05 section 3, A0 without its common factor) is -F(y) with
     * <pre>
     *   alpha &ge; beta: F(y) = 2F1(k, s+1; k+1; (alpha-beta)/(alpha+y)) / (k (alpha+y)^k)
     *   alpha &lt; beta:  F(y) = 2F1(k, r+x; k+1; (beta-alpha)/(beta+y)) / (k (beta+y)^k)
     * </pre>
     * (the two are Pfaff transformations of each other, A&amp;S 15.3.4), so I = F(lower) - F(upper), taken with
     * logDiffExp. The series argument is in [0, 1) in the chosen branch; when it is so close to 1 that the
     * series is long, or the two values are so close that their difference cancels, I is integrated
     * directly.
     */
    static double logDropoutIntegral(double r, double alpha, double s, double beta, double x, double lower,
            double upper) {
        if (!(upper > lower)) {
            return Double.NEGATIVE_INFINITY;
        }
        double viaSeries = logDropoutIntegralSeries(r, alpha, s, beta, x, lower, upper, alpha >= beta);
        if (!Double.isNaN(viaSeries)) {
            return viaSeries;
        }
        return logDropoutIntegralQuadrature(r, alpha, s, beta, x, lower, upper);
    }

    /**
     * log I from the hypergeometric antiderivative of the requested branch, or NaN when that evaluation would
     * be slow or inaccurate. The branch not matching the sign of alpha - beta has a negative argument, which
     * {@link SpecialFunctions#logHypergeometric2F1} maps back with the Pfaff transformation; tests use that
     * to check that both branches agree.
     */
    static double logDropoutIntegralSeries(double r, double alpha, double s, double beta, double x, double lower,
            double upper, boolean alphaBranch) {
        double k = r + s + x;
        double shift = alphaBranch ? alpha : beta;
        double difference = alphaBranch ? alpha - beta : beta - alpha;
        double upperParameter = alphaBranch ? s + 1.0 : r + x;
        double zLower = difference / (shift + lower);
        if (Math.abs(zLower) >= 1.0) {
            return Double.NaN;
        }
        if (zLower > 0.0
                && SpecialFunctions.hypergeometricSeriesTerms(k, upperParameter, k + 1.0, zLower) > SERIES_TERM_LIMIT) {
            return Double.NaN;
        }
        double atLower = -k * Math.log(shift + lower)
                + logHypergeometric2F1(k, upperParameter, k + 1.0, zLower);
        double atUpper = -k * Math.log(shift + upper)
                + logHypergeometric2F1(k, upperParameter, k + 1.0, difference / (shift + upper));
        if (!(atLower - atUpper > MINIMUM_LOG_GAP)) {
            return Double.NaN;
        }
        return SpecialFunctions.logDiffExp(atLower, atUpper) - Math.log(k);
    }

    /** log I by tanh-sinh quadrature of the log integrand; accurate for any parameters, but slower. */
    static double logDropoutIntegralQuadrature(double r, double alpha, double s, double beta, double x,
            double lower, double upper) {
        double rate = r + x;
        double dropoutShape = s + 1.0;
        return LogSpaceQuadrature.logIntegral(
                y -> -rate * Math.log(alpha + y) - dropoutShape * Math.log(beta + y), lower, upper);
    }
}
