package dev.onetoone.generate;

/**
 * Structure in what customers buy that the generator hides and writes down as truth, so that a recommender can be
 * checked for finding it. All of it is off by default ({@link #none()}): with it off, the generator draws exactly as it
 * did before these options existed and writes byte-identical files.
 *
 * <ul>
 *   <li><b>Latent taste.</b> With {@code tasteFactors} K &gt; 0 every product j gets a vector v_j and every customer i
 *       a vector u_i, both K-dimensional standard normal. When a basket picks a product by popularity (a product new
 *       to the customer's favourites, not a repeat), product j of the chosen category is drawn with weight
 *       {@code popularity_j * exp(tasteStrength * u_i . v_j / sqrt(K))}. Dividing by sqrt(K) gives the taste term a
 *       standard deviation of {@code tasteStrength} whatever K is. This is the generative form of a logit
 *       factor model (the exponential-family view of matrix factorisation, Collins, Dasgupta and Schapire 2001).</li>
 *   <li><b>Wholesale buyers.</b> A share {@code wholesaleShare} of customers spend
 *       {@link #WHOLESALE_SPEND_FACTOR} times the Gamma-Gamma basket value and buy in cases of
 *       {@link #WHOLESALE_CASE_SIZE} units; their purchase timing is unchanged, so the BTYD truth still holds.</li>
 *   <li><b>Seasonal products.</b> A share {@code seasonalShare} of products has a peak month; any pick of such a
 *       product (new, favourite or replenishment) is kept with probability
 *       {@code exp(kappa * (cos(2 pi (position - peak) / 12) - 1))}, a von Mises bump over the year with concentration
 *       kappa = {@link #SEASONAL_CONCENTRATION}, where position is the month of the year as a number (1.5 is mid-January)
 *       and peak the middle of the peak month. Kept with that probability and redrawn otherwise, the product's weight is
 *       multiplied by the bump, 1 at the peak and exp(-2 kappa) half a year away.</li>
 * </ul>
 *
 * @param tasteFactors   K, the number of latent taste factors; 0 turns taste off
 * @param tasteStrength  standard deviation of the taste term in the log weight; 0 draws vectors that have no effect
 * @param wholesaleShare share of customers that buy like wholesalers, in [0, 1]
 * @param seasonalShare  share of products with a peak month, in [0, 1]
 */
public record HiddenStructure(int tasteFactors, double tasteStrength, double wholesaleShare, double seasonalShare) {

    /** Taste strength when only the number of factors is given. */
    public static final double DEFAULT_TASTE_STRENGTH = 1.0;
    /** Wholesale baskets are this many times a household's Gamma-Gamma basket value. */
    public static final double WHOLESALE_SPEND_FACTOR = 6.0;
    /** Wholesale lines are whole cases of this many units when a case fits in the basket. */
    public static final int WHOLESALE_CASE_SIZE = 12;
    /** Von Mises concentration of a seasonal product's weight over the year: about a third of its lines in its peak month. */
    public static final double SEASONAL_CONCENTRATION = 3.0;
    /** Most factors accepted: taste is meant to be low-rank. */
    public static final int MAX_TASTE_FACTORS = 64;

    public HiddenStructure {
        if (tasteFactors < 0 || tasteFactors > MAX_TASTE_FACTORS) {
            throw new IllegalArgumentException("taste-factors must be between 0 and " + MAX_TASTE_FACTORS + ", got "
                    + tasteFactors);
        }
        if (!(tasteStrength >= 0.0 && tasteStrength <= 10.0)) {
            throw new IllegalArgumentException("taste-strength must be between 0 and 10, got " + tasteStrength);
        }
        if (!(wholesaleShare >= 0.0 && wholesaleShare <= 1.0)) {
            throw new IllegalArgumentException("wholesale-share must be between 0 and 1, got " + wholesaleShare);
        }
        if (!(seasonalShare >= 0.0 && seasonalShare <= 1.0)) {
            throw new IllegalArgumentException("seasonal-share must be between 0 and 1, got " + seasonalShare);
        }
    }

    /** No hidden structure: the generator's original behaviour. */
    public static HiddenStructure none() {
        return new HiddenStructure(0, DEFAULT_TASTE_STRENGTH, 0.0, 0.0);
    }

    /** Whether any part is switched on (otherwise nothing is drawn or written for it). */
    public boolean enabled() {
        return tasteFactors > 0 || wholesaleShare > 0.0 || seasonalShare > 0.0;
    }

    public boolean hasTaste() {
        return tasteFactors > 0;
    }

    public HiddenStructure withTaste(int factors, double strength) {
        return new HiddenStructure(factors, strength, wholesaleShare, seasonalShare);
    }

    public HiddenStructure withWholesaleShare(double share) {
        return new HiddenStructure(tasteFactors, tasteStrength, share, seasonalShare);
    }

    public HiddenStructure withSeasonalShare(double share) {
        return new HiddenStructure(tasteFactors, tasteStrength, wholesaleShare, share);
    }
}
