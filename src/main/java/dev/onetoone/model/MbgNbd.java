package dev.onetoone.model;

import static dev.onetoone.model.SpecialFunctions.digamma;
import static dev.onetoone.model.SpecialFunctions.logGamma;
import static dev.onetoone.model.SpecialFunctions.logSumExp;

/**
 * The MBG/NBD model of Batislam, Denizel &amp; Filiztekin (2007), "Empirical validation and comparison of models
 * for customer base analysis", International Journal of Research in Marketing 24(3), 201-209, with the
 * conditional expectation of Wagner &amp; Hoppe (2008), "Erratum on the MBG/NBD model", IJRM 25(3), 225-226.
 *
 * <p>It is BG/NBD (see {@link BgNbd}) except that a customer may also drop out at time 0, right after the first
 * purchase, with the same probability p as after each repeat purchase. A customer with no repeat purchase is
 * therefore no longer certainly alive: P(alive) falls as time since the first purchase grows. The individual
 * likelihood of x repeat purchases, the last at t_x, in (0, T] is
 * <pre>
 *   alive at T:                        (1-p)^(x+1) lambda^x e^(-lambda T)
 *   dropped out right after purchase x: p (1-p)^x   lambda^x e^(-lambda t_x)   (t_x = 0 when x = 0)
 * </pre>
 * and each part is conjugate to lambda ~ Gamma(r, alpha), p ~ Beta(a, b). All quantities are in log space.
 */
public final class MbgNbd {

    private MbgNbd() {
    }

    /**
     * Per-customer log-likelihood, the integral of the individual likelihood over the mixing distributions
     * (Batislam et al. 2007, appendix):
     * <pre>
     *   L = B(a, b+x+1)/B(a, b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
     *     + B(a+1, b+x)/B(a, b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x))
     *   log L = A1 + A2 + log(exp(A3) + exp(A4))
     *   A1 = log Gamma(r+x) - log Gamma(r) + r log alpha
     *   A2 = log B(a, b+x+1) - log B(a, b)
     *   A3 = -(r+x) log(alpha+T)
     *   A4 = log a - log(b+x) - (r+x) log(alpha+t_x)
     * </pre>
     * using B(a+1, b+x) / B(a, b+x+1) = a / (b+x). Unlike BG/NBD the second term is present for x = 0 too.
     */
    public static double logLikelihood(MbgNbdParameters parameters, double x, double recency, double age) {
        return logLikelihoodAndGradient(parameters, x, recency, age, new double[MbgNbdParameters.DIMENSION]);
    }

    /**
     * Per-customer log-likelihood (as {@link #logLikelihood}) and, written into {@code gradientOut}, its
     * analytic gradient with respect to (log r, log alpha, log a, log b). With log B(a, b+x+1) - log B(a, b) =
     * log Gamma(b+x+1) - log Gamma(a+b+x+1) + log Gamma(a+b) - log Gamma(b), the partial derivatives are digamma
     * differences; the log-sum-exp weighs those of A3 and A4 by w3 = exp(A3) / (exp(A3) + exp(A4)) and 1 - w3,
     * and d/d log theta = theta d/d theta moves to log-parameters.
     *
     * @return the log-likelihood
     */
    public static double logLikelihoodAndGradient(MbgNbdParameters parameters, double x, double recency, double age,
            double[] gradientOut) {
        Parameters.requireSummary(x, recency, age);
        double r = parameters.r();
        double alpha = parameters.alpha();
        double a = parameters.a();
        double b = parameters.b();
        double tx = x == 0.0 ? 0.0 : recency;
        double logAlphaAge = Math.log(alpha + age);
        double logAlphaRecency = Math.log(alpha + tx);
        double a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
        double a2 = logGamma(b + x + 1.0) - logGamma(a + b + x + 1.0) + logGamma(a + b) - logGamma(b);
        double a3 = -(r + x) * logAlphaAge;
        double a4 = Math.log(a) - Math.log(b + x) - (r + x) * logAlphaRecency;
        double mix = logSumExp(a3, a4);
        double w3 = Math.exp(a3 - mix);
        double w4 = Math.exp(a4 - mix);

        double digammaAB = digamma(a + b);
        double digammaABX = digamma(a + b + x + 1.0);
        double dR = digamma(r + x) - digamma(r) + Math.log(alpha) - w3 * logAlphaAge - w4 * logAlphaRecency;
        double dAlpha = r / alpha - (r + x) * (w3 / (alpha + age) + w4 / (alpha + tx));
        double dA = digammaAB - digammaABX + w4 / a;
        double dB = digamma(b + x + 1.0) - digammaABX + digammaAB - digamma(b) - w4 / (b + x);
        gradientOut[0] = r * dR;
        gradientOut[1] = alpha * dAlpha;
        gradientOut[2] = a * dA;
        gradientOut[3] = b * dB;
        return a1 + a2 + mix;
    }

    /**
     * P(alive at T | x, t_x, T) = 1 / (1 + a / (b+x) ((alpha+T) / (alpha+t_x))^(r+x)), the alive term's share
     * of the likelihood (Batislam et al. 2007, appendix, eq. 5). For x = 0 (t_x = 0) it is
     * 1 / (1 + a/b ((alpha+T)/alpha)^r), below 1 and falling with T. Computed as exp(-log1pExp(.)).
     */
    public static double probabilityAlive(MbgNbdParameters parameters, double x, double recency, double age) {
        Parameters.requireSummary(x, recency, age);
        return Math.exp(logProbabilityAlive(parameters, x, recency, age));
    }

    static double logProbabilityAlive(MbgNbdParameters parameters, double x, double recency, double age) {
        double tx = x == 0.0 ? 0.0 : recency;
        double r = parameters.r();
        double alpha = parameters.alpha();
        double logOdds = Math.log(parameters.a()) - Math.log(parameters.b() + x)
                + (r + x) * Math.log1p((age - tx) / (alpha + tx));
        return -SpecialFunctions.log1pExp(logOdds);
    }

    /**
     * Unconditional E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]. Given (lambda, p)
     * the customer survives time 0 with probability 1-p and then buys as a BG/NBD customer,
     * (1-p)(1 - e^(-lambda p t))/p; since (1-p) Beta(p; a, b) = b/(a+b) Beta(p; a, b+1), this is b/(a+b) times
     * the alive-customer expectation with b+1, evaluated without cancellation by
     * {@link BgNbd#expectedPurchasesGivenAlive}.
     */
    public static double expectedPurchases(MbgNbdParameters parameters, double duration) {
        Parameters.requirePositive("t", duration);
        double a = parameters.a();
        double b = parameters.b();
        return b / (a + b) * BgNbd.expectedPurchasesGivenAlive(parameters.r(), parameters.alpha(), a, b + 1.0, duration);
    }

    /**
     * E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))]
     * times P(alive) (Wagner &amp; Hoppe 2008): an alive customer's posterior is lambda ~ Gamma(r+x, alpha+T),
     * p ~ Beta(a, b+x+1), and no dropout happens at T itself (only right after a purchase).
     */
    public static double conditionalExpectedPurchases(MbgNbdParameters parameters, double x, double recency,
            double age, double duration) {
        Parameters.requireSummary(x, recency, age);
        Parameters.requirePositive("t", duration);
        double givenAlive = BgNbd.expectedPurchasesGivenAlive(parameters.r() + x, parameters.alpha() + age,
                parameters.a(), parameters.b() + x + 1.0, duration);
        return givenAlive * Math.exp(logProbabilityAlive(parameters, x, recency, age));
    }

    /**
     * Posterior mean purchase rate: a mixture with weight P(alive) of Gamma(r+x, alpha+T) and weight
     * 1 - P(alive) of Gamma(r+x, alpha+t_x), so E[lambda | data] = (r+x) [P(alive)/(alpha+T) + (1-P(alive))/(alpha+t_x)].
     */
    public static double posteriorMeanPurchaseRate(MbgNbdParameters parameters, double x, double recency, double age) {
        Parameters.requireSummary(x, recency, age);
        double tx = x == 0.0 ? 0.0 : recency;
        double alive = probabilityAlive(parameters, x, recency, age);
        return (parameters.r() + x) * (alive / (parameters.alpha() + age) + (1.0 - alive) / (parameters.alpha() + tx));
    }

    /**
     * Posterior mean dropout probability: p is Beta(a, b+x+1) when alive and Beta(a+1, b+x) after a dropout, so
     * E[p | data] = P(alive) a/(a+b+x+1) + (1 - P(alive)) (a+1)/(a+b+x+1).
     */
    public static double posteriorMeanDropoutProbability(MbgNbdParameters parameters, double x, double recency,
            double age) {
        Parameters.requireSummary(x, recency, age);
        double alive = probabilityAlive(parameters, x, recency, age);
        double a = parameters.a();
        return (a + 1.0 - alive) / (a + parameters.b() + x + 1.0);
    }
}
