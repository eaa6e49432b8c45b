package dev.onetoone.generate;

/**
 * The latent purchase-and-dropout process each customer follows, measured in weeks from the
 * customer's first purchase ("birth"). Purchase rates are always lambda ~ Gamma(r, alpha) with
 * Poisson purchasing while alive; the variants differ only in how customers die.
 */
public enum PurchaseProcess {

    /**
     * BG/NBD of Fader, Hardie &amp; Lee (2005), "Counting your customers the easy way", Marketing
     * Science 24(2): p ~ Beta(a, b) and after each <em>repeat</em> purchase the customer becomes
     * inactive with probability p. The first purchase at birth cannot end the relationship, which is
     * why the paper's P(X(t) = 0 | lambda, p) is exp(-lambda t) and E[X(t) | lambda, p] is
     * (1 / p)(1 - exp(-lambda p t)). This is the process the BG/NBD likelihood assumes.
     */
    BG_NBD,

    /**
     * The modified BG/NBD of Batislam, Denizel &amp; Filiztekin (2007), "Empirical validation and
     * comparison of models for customer base analysis", IJRM 24(3): the same as {@link #BG_NBD} but
     * the dropout coin is also tossed right after the first purchase, so a customer can be dead from
     * birth and P(X(t) = 0 | lambda, p) = p + (1 - p) exp(-lambda t).
     */
    MBG_NBD,

    /**
     * Pareto/NBD of Schmittlein, Morrison &amp; Colombo (1987), "Counting your customers: who are
     * they and what will they do next?", Management Science 33(1): mu ~ Gamma(s, beta) and an
     * exponential lifetime with rate mu that starts at birth, independent of purchasing.
     */
    PARETO_NBD
}
