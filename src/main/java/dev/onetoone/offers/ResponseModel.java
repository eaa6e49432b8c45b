package dev.onetoone.offers;

import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;

import org.apache.spark.sql.Column;

/**
 * The purchase probabilities and expected incremental margin behind every offer, in plain Java (for tests and
 * documentation) and as Spark columns (for the stage); both compute the same formulas.
 * <ul>
 * <li>Without an offer: {@code p_without = P(alive) x (1 - exp(-rate x V)) x share}, where rate is the customer's
 * posterior purchase rate while active (BG/NBD, per day), V the validity days, and share the chance a purchase
 * includes the target (the product affinity score for a product, the category share for a category, 1 for a
 * basket). A Poisson process with that rate makes at least one purchase in V days with probability
 * {@code 1 - exp(-rate x V)}.</li>
 * <li>With an offer, a logistic response: {@code logit(p_with) = logit(p_without) + elasticity x price_sensitivity x
 * discount_fraction + uplift}, where the discount fraction is the discount cost over the target's value and the
 * uplift is the campaign's recognition uplift (recognition offers only). Customers who never buy on discount
 * (price_sensitivity 0) do not respond to a discount.</li>
 * <li>Expected incremental margin: {@code p_with x (value x margin - cost) - p_without x value x margin}; the cost
 * is paid only when the offer is redeemed, and customers who would buy anyway make the discount a loss.</li>
 * </ul>
 */
public final class ResponseModel {
    /** Probabilities are kept inside [EPSILON, 1 - EPSILON] so that the logit is finite. */
    static final double EPSILON = 1e-9;

    private ResponseModel() {
    }

    public static double probabilityWithout(double pAlive, double purchaseRatePerWeek, int validityDays, double share) {
        double p = pAlive * (1 - Math.exp(-purchaseRatePerWeek / 7.0 * validityDays)) * share;
        return Math.min(1 - EPSILON, Math.max(EPSILON, p));
    }

    public static double probabilityWith(double pWithout, double logitShift) {
        double logit = Math.log(pWithout / (1 - pWithout)) + logitShift;
        return 1 / (1 + Math.exp(-logit));
    }

    public static double logitShift(double elasticity, double priceSensitivity, double discountFraction, double uplift) {
        return elasticity * priceSensitivity * discountFraction + uplift;
    }

    public static double incrementalMargin(double pWith, double pWithout, double value, double margin, double cost) {
        return pWith * (value * margin - cost) - pWithout * value * margin;
    }

    /** True when the margin left after the discount, as a share of the discounted price, is at least the floor. */
    public static boolean withinFloor(double margin, double discountFraction, double floor) {
        return discountFraction < 1 && margin - discountFraction >= floor * (1 - discountFraction) - 1e-12;
    }

    static Column probabilityWithout(Column pAlive, Column purchaseRatePerWeek, Column validityDays, Column share) {
        Column p = pAlive.multiply(lit(1).minus(exp(purchaseRatePerWeek.divide(7.0).multiply(validityDays).multiply(-1)))).multiply(share);
        return clamp(p);
    }

    static Column probabilityWith(Column pWithout, Column logitShift) {
        Column logit = log(pWithout.divide(lit(1).minus(pWithout))).plus(logitShift);
        return clamp(sigmoid(logit));
    }

    /** log(p / (1 - p)) of p kept inside [EPSILON, 1 - EPSILON], so that it is finite. */
    static Column logit(Column probability) {
        Column p = clamp(probability);
        return log(p.divide(lit(1).minus(p)));
    }

    /** 1 / (1 + exp(-logit)). */
    static Column sigmoid(Column logit) {
        return lit(1).divide(lit(1).plus(exp(logit.multiply(-1))));
    }

    static Column incrementalMargin(Column pWith, Column pWithout, Column value, Column margin, Column cost) {
        return pWith.multiply(value.multiply(margin).minus(cost)).minus(pWithout.multiply(value).multiply(margin));
    }

    static Column withinFloor(Column margin, Column discountFraction, Column floor) {
        return discountFraction.lt(1).and(margin.minus(discountFraction).geq(floor.multiply(lit(1).minus(discountFraction)).minus(1e-12)));
    }

    static Column clamp(Column p) {
        return least(lit(1 - EPSILON), greatest(lit(EPSILON), p));
    }
}
