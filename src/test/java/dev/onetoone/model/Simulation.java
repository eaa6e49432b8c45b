package dev.onetoone.model;

import java.util.SplittableRandom;

/** Draws customer histories from the models' generative stories for recovery tests. */
final class Simulation {

    private final SplittableRandom random;

    Simulation(long seed) {
        random = new SplittableRandom(seed);
    }

    /** Gamma(shape, rate) by Marsaglia &amp; Tsang (2000), with the U^(1/shape) boost for shape &lt; 1. */
    double gamma(double shape, double rate) {
        if (shape < 1.0) {
            return gamma(shape + 1.0, rate) * Math.pow(random.nextDouble(), 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double normal = normal();
            double v = 1.0 + c * normal;
            if (v <= 0.0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * normal * normal + d - d * v + d * Math.log(v)) {
                return d * v / rate;
            }
        }
    }

    double beta(double a, double b) {
        double first = gamma(a, 1.0);
        return first / (first + gamma(b, 1.0));
    }

    double exponential(double rate) {
        return -Math.log1p(-random.nextDouble()) / rate;
    }

    double uniform(double lower, double upper) {
        return lower + (upper - lower) * random.nextDouble();
    }

    private double normal() {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log1p(-u)) * Math.cos(2.0 * Math.PI * v);
    }

    /** Summary columns x, t_x, T. */
    record Summaries(double[] x, double[] recency, double[] age) {
    }

    /** BG/NBD: Poisson purchases at rate lambda; after each repeat purchase the customer drops out w.p. p. */
    Summaries bgNbd(BgNbdParameters parameters, int customers, double maxAge) {
        double[] x = new double[customers];
        double[] recency = new double[customers];
        double[] age = new double[customers];
        for (int i = 0; i < customers; i++) {
            double lambda = gamma(parameters.r(), parameters.alpha());
            double p = beta(parameters.a(), parameters.b());
            double horizon = uniform(0.0, maxAge);
            if (horizon == 0.0) {
                horizon = maxAge;
            }
            double time = 0.0;
            int count = 0;
            double last = 0.0;
            while (true) {
                time += exponential(lambda);
                if (time > horizon) {
                    break;
                }
                count++;
                last = time;
                if (random.nextDouble() < p) {
                    break;
                }
            }
            x[i] = count;
            recency[i] = last;
            age[i] = horizon;
        }
        return new Summaries(x, recency, age);
    }

    /** Pareto/NBD: Poisson purchases at rate lambda until an exponential(mu) lifetime ends. */
    Summaries paretoNbd(ParetoNbdParameters parameters, int customers, double maxAge) {
        double[] x = new double[customers];
        double[] recency = new double[customers];
        double[] age = new double[customers];
        for (int i = 0; i < customers; i++) {
            double lambda = gamma(parameters.r(), parameters.alpha());
            double mu = gamma(parameters.s(), parameters.beta());
            double horizon = uniform(0.0, maxAge);
            if (horizon == 0.0) {
                horizon = maxAge;
            }
            double end = Math.min(horizon, exponential(mu));
            double time = 0.0;
            int count = 0;
            double last = 0.0;
            while (true) {
                time += exponential(lambda);
                if (time > end) {
                    break;
                }
                count++;
                last = time;
            }
            x[i] = count;
            recency[i] = last;
            age[i] = horizon;
        }
        return new Summaries(x, recency, age);
    }
}
