package dev.onetoone.generate;

import java.util.SplittableRandom;

/**
 * The few samplers the generator needs, written out so that every draw is a fixed function of a
 * {@link SplittableRandom} state: the same seed gives the same files on every JVM, which a
 * library sampler with hidden caching or version-dependent algorithms would not guarantee.
 *
 * <p>All rates are rates (not scales): {@code gamma(rng, shape, rate)} has mean shape / rate, the
 * convention of the BG/NBD and Pareto/NBD papers.
 */
public final class RandomDistributions {

    private RandomDistributions() {
    }

    /** Uniform on the open interval (0, 1), so logarithms and powers stay finite. */
    public static double openUniform(SplittableRandom random) {
        double value;
        do {
            value = random.nextDouble();
        } while (value == 0.0);
        return value;
    }

    /**
     * Standard normal by the Box–Muller transform. One of the pair is discarded on purpose: a cached
     * second value would make a draw depend on the call history of unrelated code.
     */
    public static double standardNormal(SplittableRandom random) {
        double radius = Math.sqrt(-2.0 * Math.log(openUniform(random)));
        return radius * Math.cos(2.0 * Math.PI * random.nextDouble());
    }

    /** Exponential with the given rate (mean 1 / rate); infinite when the rate is zero. */
    public static double exponential(SplittableRandom random, double rate) {
        if (rate <= 0.0) {
            return Double.POSITIVE_INFINITY;
        }
        return -Math.log(openUniform(random)) / rate;
    }

    /**
     * Gamma with the given shape and rate by Marsaglia &amp; Tsang (2000), "A simple method for
     * generating gamma variables", ACM TOMS 26(3). For shape &lt; 1 the paper's boost is used:
     * Gamma(shape) = Gamma(shape + 1) * U^(1 / shape).
     */
    public static double gamma(SplittableRandom random, double shape, double rate) {
        if (!(shape > 0.0) || !(rate > 0.0)) {
            throw new IllegalArgumentException("gamma needs shape > 0 and rate > 0, got " + shape + ", " + rate);
        }
        if (shape < 1.0) {
            double boosted = standardGamma(random, shape + 1.0);
            return boosted * Math.pow(openUniform(random), 1.0 / shape) / rate;
        }
        return standardGamma(random, shape) / rate;
    }

    private static double standardGamma(SplittableRandom random, double shape) {
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x = standardNormal(random);
            double v = 1.0 + c * x;
            if (v <= 0.0) {
                continue;
            }
            v = v * v * v;
            double u = openUniform(random);
            double xSquared = x * x;
            if (u < 1.0 - 0.0331 * xSquared * xSquared) {
                return d * v;
            }
            if (Math.log(u) < 0.5 * xSquared + d * (1.0 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /**
     * Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). When both gammas underflow to zero
     * (only possible for tiny shapes) the limit is a Bernoulli(a / (a + b)) on {0, 1}.
     */
    public static double beta(SplittableRandom random, double a, double b) {
        double x = gamma(random, a, 1.0);
        double y = gamma(random, b, 1.0);
        double sum = x + y;
        if (sum == 0.0) {
            return random.nextDouble() < a / (a + b) ? 1.0 : 0.0;
        }
        return x / sum;
    }

    /**
     * Poisson with the given mean. Small means use Knuth's product of uniforms; from mean 10 on the
     * PTRS transformed rejection of Hörmann (1993), "The transformed rejection method for generating
     * Poisson random variables", Insurance: Mathematics and Economics 12, keeps the cost constant.
     */
    public static long poisson(SplittableRandom random, double mean) {
        if (mean < 0.0 || Double.isNaN(mean)) {
            throw new IllegalArgumentException("poisson needs mean >= 0, got " + mean);
        }
        if (mean == 0.0) {
            return 0L;
        }
        if (mean < 10.0) {
            double limit = Math.exp(-mean);
            double product = random.nextDouble();
            long count = 0;
            while (product > limit) {
                count++;
                product *= random.nextDouble();
            }
            return count;
        }
        double squareRoot = Math.sqrt(mean);
        double logMean = Math.log(mean);
        double b = 0.931 + 2.53 * squareRoot;
        double a = -0.059 + 0.02483 * b;
        double inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
        double acceptanceBound = 0.9277 - 3.6224 / (b - 2.0);
        while (true) {
            double u = random.nextDouble() - 0.5;
            double v = random.nextDouble();
            double distance = 0.5 - Math.abs(u);
            double k = Math.floor((2.0 * a / distance + b) * u + mean + 0.43);
            if (distance >= 0.07 && v <= acceptanceBound) {
                return (long) k;
            }
            if (k < 0.0 || (distance < 0.013 && v > distance)) {
                continue;
            }
            double left = Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (distance * distance) + b);
            double right = -mean + k * logMean - logGamma(k + 1.0);
            if (left <= right) {
                return (long) k;
            }
        }
    }

    /**
     * Dirichlet(concentrations) by normalised independent gammas. If every gamma underflows (tiny
     * concentrations) all mass goes to one component chosen with probability proportional to its
     * concentration, which is the limit of the distribution.
     */
    public static double[] dirichlet(SplittableRandom random, double[] concentrations) {
        double[] values = new double[concentrations.length];
        double sum = 0.0;
        for (int index = 0; index < concentrations.length; index++) {
            values[index] = gamma(random, concentrations[index], 1.0);
            sum += values[index];
        }
        if (sum == 0.0) {
            double total = 0.0;
            for (double concentration : concentrations) {
                total += concentration;
            }
            double threshold = random.nextDouble() * total;
            int chosen = concentrations.length - 1;
            double running = 0.0;
            for (int index = 0; index < concentrations.length; index++) {
                running += concentrations[index];
                if (threshold < running) {
                    chosen = index;
                    break;
                }
            }
            values[chosen] = 1.0;
            return values;
        }
        for (int index = 0; index < values.length; index++) {
            values[index] /= sum;
        }
        return values;
    }

    /** Log-normal: exp(mu + sigma * Z). */
    public static double logNormal(SplittableRandom random, double mu, double sigma) {
        return Math.exp(mu + sigma * standardNormal(random));
    }

    /**
     * Index drawn from a cumulative weight array (last element = total weight, need not be 1), by
     * binary search so that large catalogues stay cheap.
     */
    public static int categorical(SplittableRandom random, double[] cumulativeWeights) {
        double total = cumulativeWeights[cumulativeWeights.length - 1];
        double threshold = random.nextDouble() * total;
        int low = 0;
        int high = cumulativeWeights.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (cumulativeWeights[middle] > threshold) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    /** Running sums of the weights, the input {@link #categorical} expects. */
    public static double[] cumulative(double[] weights) {
        double[] cumulative = new double[weights.length];
        double running = 0.0;
        for (int index = 0; index < weights.length; index++) {
            running += weights[index];
            cumulative[index] = running;
        }
        return cumulative;
    }

    /**
     * log Γ(x) for x &gt; 0 by the Lanczos approximation with g = 7 and Paul Godfrey's nine
     * coefficients, accurate to about 1e-15 relative, which the Poisson acceptance test needs.
     */
    public static double logGamma(double x) {
        if (x < 0.5) {
            // Reflection keeps the series in its accurate range.
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1.0 - x);
        }
        double shifted = x - 1.0;
        double sum = LANCZOS[0];
        double t = shifted + 7.5;
        for (int index = 1; index < LANCZOS.length; index++) {
            sum += LANCZOS[index] / (shifted + index);
        }
        return 0.5 * Math.log(2.0 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    private static final double[] LANCZOS = {
        0.99999999999980993,
        676.5203681218851,
        -1259.1392167224028,
        771.32342877765313,
        -176.61502916214059,
        12.507343278686905,
        -0.13857109526572012,
        9.9843695780195716e-6,
        1.5056327351493116e-7,
    };
}
