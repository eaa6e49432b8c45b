package dev.onetoone.simulation;

/**
 * How a simulated customer truly responds to an offer: the model the offers engine assumes with its own estimates
 * ({@link dev.onetoone.offers.ResponseModel}) and the response simulator applies with each customer's truth.
 *
 * <p>Without the offer. A customer alive at the start of the validity window buys the target at the thinned
 * Poisson rate {@code lambda * share} per week, where {@code share} is the probability that one of the customer's
 * baskets contains the target (1 for basket offers). The probability of at least one such purchase in a window of
 * {@code V} days is {@code 1 - exp(-lambda * share * V / 7)}. BG/NBD and MBG/NBD customers die only right after a
 * purchase, so the first purchase of the window is unaffected by dropout; a Pareto/NBD customer with dropout rate
 * {@code mu} buys before dying with probability {@code lambda*share / (lambda*share + mu) * (1 - exp(-(lambda*share
 * + mu) V / 7))} (competing exponential clocks). A customer who was not born yet or had dropped out by the start of
 * the window buys with probability 0.
 *
 * <p>With the offer. {@code logit(p_with) = logit(p_without) + elasticity * promo_sensitivity * d}, with {@code d}
 * the discount as a fraction of the target's price (percent off: percent / 100; amount off: amount / reference
 * price, at most 1). Bonus points count as a discount worth {@link #POINT_VALUE} per point at
 * {@link #POINTS_WEIGHT} of the weight of money off; recognition (a non-discount thank-you) shifts the logit by
 * {@link #RECOGNITION_LOGIT} for every customer whatever their sensitivity.
 */
public final class TrueResponse {
    /**
     * Logit shift per unit of promo sensitivity times discount fraction, unless a simulation says otherwise: at the
     * mean sensitivity of the generator (0.29) a 15% discount multiplies the odds of a purchase by 1.4.
     */
    public static final double DEFAULT_ELASTICITY = 8.0;
    /** Currency value of one bonus point. */
    public static final double POINT_VALUE = 0.01;
    /** Weight of points against money off: customers value deferred points at half their face value. */
    public static final double POINTS_WEIGHT = 0.5;
    /** Logit shift of a recognition offer. */
    public static final double RECOGNITION_LOGIT = 0.1;

    private static final double DAYS_PER_WEEK = 7.0;

    private TrueResponse() {
    }

    /**
     * Probability of at least one purchase of the target in a window of {@code validDays} days without an offer.
     *
     * @param alive              whether the customer is alive (born and not dropped out) when the window opens
     * @param purchaseRatePerWeek lambda
     * @param dropoutRatePerWeek mu for Pareto/NBD customers; 0 (or NaN) for BG/NBD and MBG/NBD
     * @param targetShare        probability that a basket contains the target, in [0, 1]
     */
    public static double probabilityWithout(boolean alive, double purchaseRatePerWeek, double dropoutRatePerWeek,
            double targetShare, int validDays) {
        if (!alive || validDays <= 0) {
            return 0.0;
        }
        double rate = Math.max(0.0, purchaseRatePerWeek) * Math.min(1.0, Math.max(0.0, targetShare));
        double weeks = validDays / DAYS_PER_WEEK;
        double mu = Double.isNaN(dropoutRatePerWeek) ? 0.0 : Math.max(0.0, dropoutRatePerWeek);
        if (rate <= 0.0) {
            return 0.0;
        }
        if (mu == 0.0) {
            return -Math.expm1(-rate * weeks);
        }
        return rate / (rate + mu) * -Math.expm1(-(rate + mu) * weeks);
    }

    /** The logit shift of an offer for a customer; {@code discountFraction} is d, already capped at 1. */
    public static double logitShift(String offerForm, double elasticity, double promoSensitivity, double discountFraction) {
        return switch (offerForm) {
            case "percent_off", "amount_off", "bonus_points" -> elasticity * promoSensitivity * Math.min(1.0, Math.max(0.0, discountFraction));
            case "recognition" -> RECOGNITION_LOGIT;
            default -> throw new IllegalArgumentException("unknown offer_form '" + offerForm
                    + "': expected percent_off, amount_off, bonus_points or recognition");
        };
    }

    /**
     * The discount fraction d of an offer: percent off / 100; amount off over the reference price; bonus points at
     * {@link #POINT_VALUE} each, weighted by {@link #POINTS_WEIGHT}, over the reference price; 0 for recognition.
     * The reference price is the target product's price, the mean price of the target category, or the customer's
     * expected basket value for basket offers.
     */
    public static double discountFraction(String offerForm, double discountPercent, double discountAmount, long bonusPoints,
            double referencePrice) {
        double fraction = switch (offerForm) {
            case "percent_off" -> discountPercent / 100.0;
            case "amount_off" -> referencePrice > 0 ? discountAmount / referencePrice : 0.0;
            case "bonus_points" -> referencePrice > 0 ? POINTS_WEIGHT * bonusPoints * POINT_VALUE / referencePrice : 0.0;
            case "recognition" -> 0.0;
            default -> throw new IllegalArgumentException("unknown offer_form '" + offerForm
                    + "': expected percent_off, amount_off, bonus_points or recognition");
        };
        return Math.min(1.0, Math.max(0.0, fraction));
    }

    /** p_with from p_without and the logit shift; 0 stays 0 (a customer who cannot buy is not moved by an offer). */
    public static double probabilityWith(double probabilityWithout, double logitShift) {
        if (probabilityWithout <= 0.0) {
            return 0.0;
        }
        if (probabilityWithout >= 1.0) {
            return 1.0;
        }
        double odds = probabilityWithout / (1.0 - probabilityWithout) * Math.exp(logitShift);
        return odds / (1.0 + odds);
    }
}
