package dev.onetoone.model;

import static dev.onetoone.model.SpecialFunctions.digamma;
import static dev.onetoone.model.SpecialFunctions.logBeta;
import static dev.onetoone.model.SpecialFunctions.logGamma;
import static dev.onetoone.model.SpecialFunctions.logSumExp;

/**
 * The BG/NBD model of Fader, Hardie &amp; Lee (2005), "'Counting your customers' the easy way: an alternative
 * to the Pareto/NBD model", Marketing Science 24(2), 275-284. Equation numbers refer to that paper.
 *
 * <p>A customer summary is x repeat purchases, the last of them at t_x, observed over (0, T]. All
 * quantities are evaluated in log space, so x in the thousands and extreme parameters stay finite.
 */
public final class BgNbd {

    private BgNbd() {
    }

    /**
     * Per-customer log-likelihood, eq. (6) in log space:
     * <pre>
     *   log L = A1 + A2 + log(exp(A3) + [x &gt; 0] exp(A4))
     *   A1 = log Gamma(r+x) - log Gamma(r) + r log alpha
     *   A2 = log B(a, b+x) - log B(a, b)
     *   A3 = -(r+x) log(alpha+T)
     *   A4 = log a - log(b+x-1) - (r+x) log(alpha+t_x)
     * </pre>
     * (the appendix form, using B(a+1, b+x-1) / B(a, b+x) = a / (b+x-1)).
     */
    public static double logLikelihood(BgNbdParameters parameters, double x, double recency, double age) {
        Parameters.requireSummary(x, recency, age);
        double r = parameters.r();
        double alpha = parameters.alpha();
        double a = parameters.a();
        double b = parameters.b();
        double a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
        double a2 = logBeta(a, b + x) - logBeta(a, b);
        double a3 = -(r + x) * Math.log(alpha + age);
        if (x == 0.0) {
            return a1 + a2 + a3;
        }
        double a4 = Math.log(a) - Math.log(b + x - 1.0) - (r + x) * Math.log(alpha + recency);
        return a1 + a2 + logSumExp(a3, a4);
    }

    /**
     * Per-customer log-likelihood (as {@link #logLikelihood}) and, written into {@code gradientOut}, its
     * analytic gradient with respect to (log r, log alpha, log a, log b). The partial derivatives of
     * A1..A4 are elementary (digamma for the Gamma and Beta functions); the log-sum-exp combines them with
     * weights w3 = exp(A3) / (exp(A3) + exp(A4)) and 1 - w3, and the chain rule d/d log theta = theta d/d theta
     * moves to log-parameters.
     *
     * @return the log-likelihood
     */
    public static double logLikelihoodAndGradient(BgNbdParameters parameters, double x, double recency, double age,
            double[] gradientOut) {
        Parameters.requireSummary(x, recency, age);
        double r = parameters.r();
        double alpha = parameters.alpha();
        double a = parameters.a();
        double b = parameters.b();
        double logAlphaAge = Math.log(alpha + age);
        double a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
        double a2 = logBeta(a, b + x) - logBeta(a, b);
        double a3 = -(r + x) * logAlphaAge;

        double digammaAB = digamma(a + b);
        double digammaABX = digamma(a + b + x);
        double dR = digamma(r + x) - digamma(r) + Math.log(alpha);
        double dAlpha = r / alpha;
        double dA = digammaAB - digammaABX;
        double dB = digammaAB + digamma(b + x) - digamma(b) - digammaABX;

        double logLikelihood;
        if (x == 0.0) {
            logLikelihood = a1 + a2 + a3;
            dR += -logAlphaAge;
            dAlpha += -(r + x) / (alpha + age);
        } else {
            double logAlphaRecency = Math.log(alpha + recency);
            double a4 = Math.log(a) - Math.log(b + x - 1.0) - (r + x) * logAlphaRecency;
            double mix = logSumExp(a3, a4);
            double w3 = Math.exp(a3 - mix);
            double w4 = Math.exp(a4 - mix);
            logLikelihood = a1 + a2 + mix;
            dR += -w3 * logAlphaAge - w4 * logAlphaRecency;
            dAlpha += -(r + x) * (w3 / (alpha + age) + w4 / (alpha + recency));
            dA += w4 / a;
            dB += -w4 / (b + x - 1.0);
        }
        gradientOut[0] = r * dR;
        gradientOut[1] = alpha * dAlpha;
        gradientOut[2] = a * dA;
        gradientOut[3] = b * dB;
        return logLikelihood;
    }

    /**
     * P(alive at T | x, t_x, T) = 1 / (1 + [x &gt; 0] a / (b+x-1) ((alpha+T) / (alpha+t_x))^(r+x)), the ratio of
     * the "still alive" term to the whole of eq. (6) (also in Fader, Hardie &amp; Lee 2008, "Computing P(alive)
     * using the BG/NBD model"). Computed as exp(-log1pExp(.)) so large x cannot overflow.
     */
    public static double probabilityAlive(BgNbdParameters parameters, double x, double recency, double age) {
        Parameters.requireSummary(x, recency, age);
        return Math.exp(logProbabilityAlive(parameters, x, recency, age));
    }

    static double logProbabilityAlive(BgNbdParameters parameters, double x, double recency, double age) {
        if (x == 0.0) {
            return 0.0;
        }
        double r = parameters.r();
        double alpha = parameters.alpha();
        double logOdds = Math.log(parameters.a()) - Math.log(parameters.b() + x - 1.0)
                + (r + x) * Math.log1p((age - recency) / (alpha + recency));
        return -SpecialFunctions.log1pExp(logOdds);
    }

    /**
     * Unconditional E[X(t)], eq. (9): (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))],
     * evaluated without the cancellation of that form (see {@link #expectedPurchasesGivenAlive}).
     */
    public static double expectedPurchases(BgNbdParameters parameters, double duration) {
        Parameters.requirePositive("t", duration);
        return expectedPurchasesGivenAlive(parameters.r(), parameters.alpha(), parameters.a(), parameters.b(),
                duration);
    }

    /**
     * E[Y(t) | x, t_x, T], eq. (10): expected purchases in (T, T+t]. It is P(alive) times the same
     * expression as eq. (9) with the posterior of an alive customer, r -&gt; r+x, alpha -&gt; alpha+T,
     * b -&gt; b+x (given alive, lambda ~ Gamma(r+x, alpha+T) and p ~ Beta(a, b+x), conjugate updates of eq. 3).
     */
    public static double conditionalExpectedPurchases(BgNbdParameters parameters, double x, double recency,
            double age, double duration) {
        Parameters.requireSummary(x, recency, age);
        Parameters.requirePositive("t", duration);
        double givenAlive = expectedPurchasesGivenAlive(parameters.r() + x, parameters.alpha() + age,
                parameters.a(), parameters.b() + x, duration);
        return givenAlive * Math.exp(logProbabilityAlive(parameters, x, recency, age));
    }

    /**
     * Posterior mean purchase rate E[lambda | x, t_x, T]. Eq. (3) splits the individual likelihood into
     * "alive at T", lambda^x e^(-lambda T) (1-p)^x, and "dropped out after the x-th purchase",
     * lambda^x e^(-lambda t_x) p (1-p)^(x-1). Each part is conjugate to the Gamma prior, so the posterior is a
     * mixture with weight P(alive) of Gamma(r+x, alpha+T) and weight 1 - P(alive) of Gamma(r+x, alpha+t_x):
     * E[lambda | data] = (r+x) [P(alive) / (alpha+T) + (1 - P(alive)) / (alpha+t_x)].
     */
    public static double posteriorMeanPurchaseRate(BgNbdParameters parameters, double x, double recency, double age) {
        Parameters.requireSummary(x, recency, age);
        double alive = probabilityAlive(parameters, x, recency, age);
        double shape = parameters.r() + x;
        if (x == 0.0) {
            return shape / (parameters.alpha() + age);
        }
        return shape * (alive / (parameters.alpha() + age) + (1.0 - alive) / (parameters.alpha() + recency));
    }

    /**
     * Posterior mean dropout probability E[p | x, t_x, T]. With the same split of eq. (3) as
     * {@link #posteriorMeanPurchaseRate}, p is Beta(a, b+x) when alive and Beta(a+1, b+x-1) after a dropout, so
     * E[p | data] = P(alive) a / (a+b+x) + (1 - P(alive)) (a+1) / (a+b+x).
     */
    public static double posteriorMeanDropoutProbability(BgNbdParameters parameters, double x, double recency,
            double age) {
        Parameters.requireSummary(x, recency, age);
        double alive = probabilityAlive(parameters, x, recency, age);
        double a = parameters.a();
        return (a + 1.0 - alive) / (a + parameters.b() + x);
    }

    /**
     * Expected purchases in an interval of length t for a customer alive at its start with lambda ~
     * Gamma(r, alpha) and p ~ Beta(a, b):
     * G = E_p[(1/p)(1 - (alpha/(alpha + p t))^r)] = (a+b-1)/(a-1) [1 - (1-z)^r 2F1(r, b; c; z)],
     * z = t/(alpha+t), c = a+b-1 (E[X(t) | lambda, p] = (1 - e^(-lambda p t)) / p, as in the derivation of eq. 9).
     *
     * <p>The bracket cancels catastrophically (and 0/0 at a = 1), so it is expanded instead: with
     * (1-z)^-r = sum (r)_n z^n / n!, 1 - (1-z)^r 2F1 = (1-z)^r sum_{n&ge;1} (r)_n z^n / n! [1 - (b)_n/(c)_n],
     * and e_n = [1 - (b)_n/(c)_n] / (c - b) satisfies e_1 = 1/c, e_{n+1} = e_n + (b)_n / (c)_n / (c+n). Hence
     * G = c (1-z)^r sum_{n&ge;1} (r)_n z^n / n! e_n, a sum of positive terms for every a &gt; 0 when c &gt; 0,
     * summed with rescaling. When c &le; 0 or the series is too long (z very close to 1), the defining
     * integral over p is evaluated by tanh-sinh quadrature instead.
     */
    static double expectedPurchasesGivenAlive(double r, double alpha, double a, double b, double duration) {
        double z = duration / (alpha + duration);
        double c = a + b - 1.0;
        if (c > 0.0 && SpecialFunctions.hypergeometricSeriesTerms(r, b, c, z) < SERIES_TERM_LIMIT) {
            double series = expectedPurchasesSeries(r, b, c, z);
            if (Double.isFinite(series)) {
                return series;
            }
        }
        return expectedPurchasesQuadrature(r, alpha, a, b, duration);
    }

    /** Above this many terms the p-integral is cheaper than the series. */
    private static final double SERIES_TERM_LIMIT = 200_000;

    private static double expectedPurchasesSeries(double r, double b, double c, double z) {
        double logScale = 0.0;
        double term = 1.0;          // (r)_n z^n / n!, rescaled
        double ratioBC = 1.0;       // (b)_n / (c)_n
        double e = 0.0;             // e_n
        double sum = 0.0;
        int limit = (int) SERIES_TERM_LIMIT * 2;
        for (int n = 0; n < limit; n++) {
            e += ratioBC / (c + n);
            ratioBC *= (b + n) / (c + n);
            term *= (r + n) / (n + 1.0) * z;
            double contribution = term * e;
            sum += contribution;
            if (sum > 1e250) {
                sum *= 1e-250;
                term *= 1e-250;
                logScale += 250.0 * Math.log(10.0);
            }
            if (contribution <= sum * 1e-17 && (r + n) * z <= n + 1.0) {
                return Math.exp(Math.log(c) + r * Math.log1p(-z) + Math.log(sum) + logScale);
            }
        }
        return Double.NaN;
    }

    static double expectedPurchasesQuadrature(double r, double alpha, double a, double b, double duration) {
        double u = duration / alpha;
        double logNormaliser = logBeta(a, b);
        double logValue = LogSpaceQuadrature.logIntegral((p, fromZero, toOne) ->
                (a - 2.0) * Math.log(fromZero) + (b - 1.0) * Math.log(toOne) - logNormaliser
                        + SpecialFunctions.log1mExp(-r * Math.log1p(fromZero * u)), 0.0, 1.0);
        return Math.exp(logValue);
    }
}
