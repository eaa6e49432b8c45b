package dev.onetoone.model;

import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * Special functions evaluated so that they stay finite for the parameter ranges of the BTYD models: log Gamma and
 * log Beta from commons-math3; digamma, for the accuracy given at {@link #digamma}; and the log-space sums and the
 * Gauss hypergeometric function 2F1 in log space, which no library on the classpath provides.
 *
 * <p>Everything that can overflow is computed in log space. Domains are documented per method; arguments
 * outside them give {@code NaN} rather than an exception because these functions sit in per-customer hot
 * loops whose callers check finiteness once per aggregate.
 */
public final class SpecialFunctions {

    private static final double LOG_TWO = 0.6931471805599453;

    /** Below this argument digamma is shifted upwards by recurrence before the asymptotic series. */
    private static final double DIGAMMA_SERIES_FROM = 10.0;

    /** Hard cap on hypergeometric series terms; beyond it the caller must use another representation. */
    public static final int MAX_HYPERGEOMETRIC_TERMS = 5_000_000;

    private static final double RESCALE_ABOVE = 1e250;
    private static final double RESCALE_FACTOR = 1e-250;
    private static final double LOG_RESCALE_FACTOR = Math.log(RESCALE_FACTOR);

    private SpecialFunctions() {
    }

    /**
     * log Gamma(x) for x &gt; 0, from commons-math3 (Lanczos approximation, relative error about 1e-15), with the
     * edge values the models' callers rely on.
     *
     * @return log Gamma(x), {@code +Infinity} at 0 and at {@code +Infinity}, {@code NaN} for negative or NaN arguments
     */
    public static double logGamma(double x) {
        if (!(x >= 0.0)) {
            return Double.NaN;
        }
        if (x == 0.0 || x == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        return Gamma.logGamma(x);
    }

    /**
     * Digamma psi(x) = d/dx log Gamma(x) for x &gt; 0: recurrence psi(x) = psi(x+1) - 1/x (A&amp;S 6.3.5) up to
     * x &ge; 10, then the asymptotic series A&amp;S 6.3.18 to x^-14.
     *
     * <p>Hand-written because commons-math3's {@code Gamma.digamma} (3.6.1) truncates its series early: it gives
     * psi(1) = -0.5772156678 against -0.5772156649 (an error of 3e-9, SpecialFunctionsTest), and the purchase
     * models' gradients are built from differences of digammas. This one is within 1e-15 there.
     */
    public static double digamma(double x) {
        if (!(x > 0.0)) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        double result = 0.0;
        double y = x;
        while (y < DIGAMMA_SERIES_FROM) {
            result -= 1.0 / y;
            y += 1.0;
        }
        double inverseSquared = 1.0 / (y * y);
        double series = inverseSquared * (1.0 / 12.0 - inverseSquared * (1.0 / 120.0 - inverseSquared * (1.0 / 252.0
                - inverseSquared * (1.0 / 240.0 - inverseSquared * (1.0 / 132.0 - inverseSquared * (691.0 / 32760.0
                - inverseSquared / 12.0))))));
        return result + Math.log(y) - 0.5 / y - series;
    }

    /**
     * log B(a, b) for a, b &gt; 0, from commons-math3, which avoids the cancellation of log Gamma(a) + log Gamma(b)
     * - log Gamma(a + b) when one argument is much larger than the other (DiDonato and Morris 1992).
     */
    public static double logBeta(double a, double b) {
        return Beta.logBeta(a, b);
    }

    /** log(exp(a) + exp(b)) without overflow; either argument may be {@code -Infinity}. */
    public static double logSumExp(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        return a >= b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
    }

    /** log(1 + exp(x)); thresholds after Maechler (2012), "Accurately computing log(1 - exp(-|a|))", eq. 10. */
    public static double log1pExp(double x) {
        if (x <= -37.0) {
            return Math.exp(x);
        }
        if (x <= 18.0) {
            return Math.log1p(Math.exp(x));
        }
        if (x <= 33.3) {
            return x + Math.exp(-x);
        }
        return x;
    }

    /**
     * log(1 - exp(x)) for x &le; 0, switching between expm1 and log1p at -log 2 (Maechler 2012, eq. 7) so the
     * result keeps full relative precision near both ends.
     */
    public static double log1mExp(double x) {
        if (x > 0.0) {
            return Double.NaN;
        }
        return x > -LOG_TWO ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
    }

    /**
     * log(exp(a) - exp(b)) for a &ge; b; {@code -Infinity} when a == b, {@code NaN} when a &lt; b.
     */
    public static double logDiffExp(double a, double b) {
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        if (a < b) {
            return Double.NaN;
        }
        if (a == b) {
            return Double.NEGATIVE_INFINITY;
        }
        return a + log1mExp(b - a);
    }

    /**
     * Number of terms the Gauss series of 2F1(a, b; c; z) needs to converge for 0 &le; z &lt; 1 and positive
     * a, b, c: the index of the largest term (where the term ratio (a+n)(b+n)z / ((c+n)(n+1)) falls to 1)
     * plus enough geometric tail for 1e-17 relative accuracy. Callers use it to choose between the series
     * and an integral representation.
     */
    public static double hypergeometricSeriesTerms(double a, double b, double c, double z) {
        if (z <= 0.0) {
            return 1.0;
        }
        // Peak: largest root n of (1 - z) n^2 + (c + 1 - z (a + b)) n + (c - z a b) = 0.
        double quadratic = 1.0 - z;
        double linear = c + 1.0 - z * (a + b);
        double constant = c - z * a * b;
        double discriminant = linear * linear - 4.0 * quadratic * constant;
        double peak = discriminant > 0.0 ? Math.max(0.0, (-linear + Math.sqrt(discriminant)) / (2.0 * quadratic)) : 0.0;
        // After the peak the ratio tends to z, so 40 / -log(z) more terms make the tail below e^-40.
        double tail = (40.0 + 8.0 * Math.sqrt(peak)) / -Math.log(z);
        return peak + tail;
    }

    /**
     * log 2F1(a, b; c; z) for a, b, c &gt; 0 and 0 &le; z &lt; 1, by the Gauss series summed with running
     * rescaling so that term sizes up to about 10^(10^6) do not overflow (A&amp;S 15.1.1). Every term is
     * positive, so there is no cancellation and the result has a relative error of a few ulps per thousand
     * terms.
     *
     * <p>For -1 &lt; z &lt; 0 the Pfaff transformation 2F1(a,b;c;z) = (1-z)^-a 2F1(a, c-b; c; z/(z-1))
     * (A&amp;S 15.3.4) is used when c &gt; b, which again gives a positive series.
     *
     * @return the logarithm, or {@code NaN} outside the domain or when more than
     *     {@link #MAX_HYPERGEOMETRIC_TERMS} terms would be needed (z too close to 1)
     */
    public static double logHypergeometric2F1(double a, double b, double c, double z) {
        if (!(a > 0.0 && b > 0.0 && c > 0.0) || !(z < 1.0) || Double.isNaN(z)) {
            return Double.NaN;
        }
        if (z == 0.0) {
            return 0.0;
        }
        if (z < 0.0) {
            if (c > b) {
                double w = z / (z - 1.0);
                return -a * Math.log1p(-z) + logHypergeometric2F1(a, c - b, c, w);
            }
            if (c > a) {
                double w = z / (z - 1.0);
                return -b * Math.log1p(-z) + logHypergeometric2F1(c - a, b, c, w);
            }
            return Double.NaN;
        }
        if (hypergeometricSeriesTerms(a, b, c, z) > MAX_HYPERGEOMETRIC_TERMS) {
            return Double.NaN;
        }
        double logScale = 0.0;
        double term = 1.0;
        double sum = 1.0;
        for (int n = 0; n < MAX_HYPERGEOMETRIC_TERMS; n++) {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
            sum += term;
            if (sum > RESCALE_ABOVE) {
                sum *= RESCALE_FACTOR;
                term *= RESCALE_FACTOR;
                logScale -= LOG_RESCALE_FACTOR;
            }
            if (term <= sum * 1e-17 && (a + n) * (b + n) * z <= (c + n) * (n + 1.0)) {
                return Math.log(sum) + logScale;
            }
        }
        return Double.NaN;
    }
}
