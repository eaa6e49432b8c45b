package dev.onetoone.generate;

/**
 * Heterogeneity parameters of the customer population, named as in the papers so that fitted
 * values can be compared with them directly. Time is in weeks.
 *
 * @param r      shape of the purchase-rate distribution lambda ~ Gamma(r, alpha) (BG/NBD and Pareto/NBD)
 * @param alpha  rate of the purchase-rate distribution (in weeks, so mean lambda = r / alpha per week)
 * @param a      first shape of the dropout-probability distribution p ~ Beta(a, b) (BG/NBD)
 * @param b      second shape of the dropout-probability distribution (BG/NBD)
 * @param s      shape of the dropout-rate distribution mu ~ Gamma(s, beta) (Pareto/NBD)
 * @param beta   rate of the dropout-rate distribution (Pareto/NBD)
 * @param p      shape of the basket value z ~ Gamma(p, nu) (Gamma-Gamma)
 * @param q      shape of the spend scale nu ~ Gamma(q, gamma) (Gamma-Gamma)
 * @param gamma  rate of the spend scale distribution (Gamma-Gamma)
 */
public record PopulationParameters(
        double r,
        double alpha,
        double a,
        double b,
        double s,
        double beta,
        double p,
        double q,
        double gamma) {

    public PopulationParameters {
        requirePositive("r", r);
        requirePositive("alpha", alpha);
        requirePositive("a", a);
        requirePositive("b", b);
        requirePositive("s", s);
        requirePositive("beta", beta);
        requirePositive("p", p);
        requirePositive("q", q);
        requirePositive("gamma", gamma);
    }

    /**
     * Defaults in weekly units. r = 0.75, alpha = 4 give a mean rate of 0.19 purchases a week with a
     * long right tail (coefficient of variation 1 / sqrt(r) = 1.15); a = 0.8, b = 2.6 give a mean
     * dropout probability of 0.24 with mass near zero, so a few fast buyers who never churn make
     * hundreds of purchases over two years (at 50k customers the maximum is about 150 events, at 1M
     * about 200-250). s = 0.6, beta = 12 give a median lifetime of many months for Pareto/NBD.
     * p = 6, q = 3.8, gamma = 15 give a mean basket of p * gamma / (q - 1) = 32.1 (Fader, Hardie
     * &amp; Lee 2005, "RFM and CLV: using iso-value curves for customer base analysis", JMR 42(4);
     * Colombo &amp; Jiang 1999, "A stochastic RFM model", J. Interactive Marketing 13(3)).
     */
    public static PopulationParameters defaults() {
        return new PopulationParameters(0.75, 4.0, 0.8, 2.6, 0.6, 12.0, 6.0, 3.8, 15.0);
    }

    /** Mean spend per purchase in the population, p * gamma / (q - 1); infinite when q &lt;= 1. */
    public double meanSpendPerPurchase() {
        return q > 1.0 ? p * gamma / (q - 1.0) : Double.POSITIVE_INFINITY;
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + value);
        }
    }
}
