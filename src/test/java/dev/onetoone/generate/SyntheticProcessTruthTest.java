package dev.onetoone.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The realised purchase counts agree with the closed forms of each process, evaluated per customer
 * at the latent lambda, p or mu and age T written to the truth file. With N the number of purchase
 * events including the first purchase at birth (time 0) and T the weeks from birth to the end:
 *
 * <ul>
 *   <li>BG/NBD (Fader, Hardie &amp; Lee 2005): dropout coins follow repeat purchases only, so the
 *       repeat purchases that end the relationship form a Poisson process of rate lambda p and the
 *       customer is alive at T with probability exp(-lambda p T). The paper's E[X(T)] =
 *       (1/p)(1 - exp(-lambda p T)) counts repeats: lambda (1 - p) E[min(T, tau)] non-final repeats plus
 *       P(tau &lt;= T) final one, with tau ~ Exp(lambda p). Hence E[N] = 1 + (1/p)(1 - exp(-lambda p T))
 *       and P(N = 1) = exp(-lambda T).</li>
 *   <li>MBG/NBD (Batislam et al. 2007): an extra coin at birth kills with probability p, after which the
 *       BG/NBD process runs: P(N = 1) = p + (1 - p) exp(-lambda T), E[N] = 1 + ((1 - p)/p)(1 - exp(-lambda p T)),
 *       P(alive at T) = (1 - p) exp(-lambda p T).</li>
 *   <li>Pareto/NBD (Schmittlein, Morrison &amp; Colombo 1987): repeats are Poisson(lambda) until
 *       min(tau, T) with tau ~ Exp(mu): E[N] = 1 + (lambda/mu)(1 - exp(-mu T)), P(N = 1) =
 *       E[exp(-lambda min(tau, T))] = mu/(lambda+mu)(1 - exp(-(lambda+mu)T)) + exp(-(lambda+mu)T),
 *       P(alive at T) = exp(-mu T).</li>
 * </ul>
 *
 * Each check compares a sum of per-customer outcomes with the sum of their expectations, allowing five
 * standard errors: binomial variances for the indicators, the squared residuals for the counts.
 */
class SyntheticProcessTruthTest {

    private static final int CUSTOMERS = 8_000;
    private static final double STANDARD_ERRORS = 5.0;

    @TempDir
    Path directory;

    @Test
    void bgNbdOneTimeBuyersMeanEventsAndSurvivalMatchTheClosedForms() throws IOException {
        checkProcess(PurchaseProcess.BG_NBD);
    }

    @Test
    void mbgNbdOneTimeBuyersMeanEventsAndSurvivalMatchTheClosedForms() throws IOException {
        checkProcess(PurchaseProcess.MBG_NBD);
    }

    @Test
    void paretoNbdOneTimeBuyersMeanEventsAndSurvivalMatchTheClosedForms() throws IOException {
        checkProcess(PurchaseProcess.PARETO_NBD);
    }

    @Test
    void bgNbdRepeatCountsFollowTheIndividualLevelDistributionOfFaderHardieLee() {
        // FHL (2005) eq. 3: P(X(t) = x | lambda, p) = (1-p)^x (lambda t)^x e^{-lambda t} / x!
        //   + [x > 0] p (1-p)^{x-1} (1 - e^{-lambda t} sum_{j<x} (lambda t)^j / j!).
        assertRepeatDistribution(PurchaseProcess.BG_NBD, 0.08, 0.25, 40.0, 0.0);
    }

    @Test
    void mbgNbdRepeatCountsAreTheBgNbdDistributionAfterASurvivedBirthCoin() {
        // Dead at birth with probability p (X = 0), otherwise the BG/NBD distribution above.
        assertRepeatDistribution(PurchaseProcess.MBG_NBD, 0.08, 0.25, 40.0, 0.25);
    }

    @Test
    void paretoNbdRepeatCountHasMeanLambdaTimesExpectedLifetimeWithinTheWindow() {
        double lambda = 0.1;
        double mu = 0.02;
        double weeks = 40.0;
        SplittableRandom random = new SplittableRandom(99);
        int histories = 200_000;
        double sum = 0.0;
        double sumOfSquares = 0.0;
        int none = 0;
        int alive = 0;
        for (int history = 0; history < histories; history++) {
            SyntheticDataGenerator.PurchaseHistory outcome = SyntheticDataGenerator.simulatePurchases(
                    PurchaseProcess.PARETO_NBD, random, lambda, Double.NaN, mu, weeks);
            int repeats = outcome.repeatWeeks().size();
            sum += repeats;
            sumOfSquares += (double) repeats * repeats;
            none += repeats == 0 ? 1 : 0;
            alive += outcome.aliveAtEnd() ? 1 : 0;
        }
        double mean = sum / histories;
        double variance = sumOfSquares / histories - mean * mean;
        // E[X] = (lambda / mu)(1 - e^{-mu T}); P(X = 0) and P(alive) as in the class comment.
        assertEquals(lambda / mu * (1.0 - Math.exp(-mu * weeks)), mean, STANDARD_ERRORS * Math.sqrt(variance / histories));
        double decay = Math.exp(-(lambda + mu) * weeks);
        assertProportion(mu / (lambda + mu) * (1.0 - decay) + decay, none, histories, "P(X = 0)");
        assertProportion(Math.exp(-mu * weeks), alive, histories, "P(alive)");
    }

    private static void assertRepeatDistribution(PurchaseProcess process, double lambda, double p, double weeks,
            double birthDeath) {
        SplittableRandom random = new SplittableRandom(98);
        int histories = 200_000;
        int[] counts = new int[8];
        int alive = 0;
        for (int history = 0; history < histories; history++) {
            SyntheticDataGenerator.PurchaseHistory outcome = SyntheticDataGenerator.simulatePurchases(process, random,
                    lambda, p, Double.NaN, weeks);
            counts[Math.min(7, outcome.repeatWeeks().size())]++;
            alive += outcome.aliveAtEnd() ? 1 : 0;
        }
        double rate = lambda * weeks;
        for (int repeats = 0; repeats < 7; repeats++) {
            // term ends as (lambda t)^x e^{-lambda t} / x!, partialSum as e^{-lambda t} sum_{j<x} (lambda t)^j / j!.
            double partialSum = 0.0;
            double term = Math.exp(-rate);
            for (int j = 0; j < repeats; j++) {
                partialSum += term;
                term *= rate / (j + 1);
            }
            double probability = Math.pow(1.0 - p, repeats) * term;
            if (repeats > 0) {
                probability += p * Math.pow(1.0 - p, repeats - 1) * (1.0 - partialSum);
            }
            probability = (1.0 - birthDeath) * probability + (repeats == 0 ? birthDeath : 0.0);
            assertProportion(probability, counts[repeats], histories, process + " P(X = " + repeats + ")");
        }
        assertProportion((1.0 - birthDeath) * Math.exp(-lambda * p * weeks), alive, histories, process + " P(alive)");
    }

    private static void assertProportion(double probability, int successes, int trials, String what) {
        double standardError = Math.sqrt(probability * (1.0 - probability) / trials);
        assertEquals(probability, (double) successes / trials, STANDARD_ERRORS * standardError + 1e-12, what);
    }

    private void checkProcess(PurchaseProcess process) throws IOException {
        GeneratorConfig config = GeneratorConfig.of(CUSTOMERS, LocalDate.of(2024, 1, 1), LocalDate.of(2025, 12, 31), 2024L)
                .withProcess(process);
        new SyntheticDataGenerator(config).generate(directory);
        List<String[]> truth = GeneratedFiles.rows(directory.resolve("truth/customer_truth.csv"));
        assertEquals(CUSTOMERS, truth.size());

        Tally oneTimeBuyers = new Tally();
        Tally events = new Tally();
        Tally alive = new Tally();
        for (String[] customer : truth) {
            double weeks = Double.parseDouble(customer[2]);
            double lambda = Double.parseDouble(customer[3]);
            int observedEvents = Integer.parseInt(customer[14]);
            boolean observedAlive = Boolean.parseBoolean(customer[7]);
            assertTrue(weeks > 0.0 && weeks <= 731.0 / 7.0, "T within the window");
            double probabilityOneEvent;
            double expectedEvents;
            double probabilityAlive;
            if (process == PurchaseProcess.PARETO_NBD) {
                double mu = Double.parseDouble(customer[5]);
                double decay = Math.exp(-(lambda + mu) * weeks);
                probabilityOneEvent = mu / (lambda + mu) * (1.0 - decay) + decay;
                expectedEvents = 1.0 + lambda / mu * (1.0 - Math.exp(-mu * weeks));
                probabilityAlive = Math.exp(-mu * weeks);
            } else {
                double p = Double.parseDouble(customer[4]);
                double birthSurvival = process == PurchaseProcess.MBG_NBD ? 1.0 - p : 1.0;
                probabilityOneEvent = (1.0 - birthSurvival) + birthSurvival * Math.exp(-lambda * weeks);
                expectedEvents = 1.0 + birthSurvival / p * (1.0 - Math.exp(-lambda * p * weeks));
                probabilityAlive = birthSurvival * Math.exp(-lambda * p * weeks);
            }
            oneTimeBuyers.addIndicator(observedEvents == 1, probabilityOneEvent);
            events.addCount(observedEvents, expectedEvents);
            alive.addIndicator(observedAlive, probabilityAlive);
        }
        oneTimeBuyers.assertAgrees(process + " one-time buyers");
        events.assertAgrees(process + " purchase events");
        alive.assertAgrees(process + " alive at end");
    }

    /** Sum of observations against the sum of their expectations with a running variance. */
    private static final class Tally {
        private double observed;
        private double expected;
        private double variance;

        void addIndicator(boolean outcome, double probability) {
            observed += outcome ? 1.0 : 0.0;
            expected += probability;
            variance += probability * (1.0 - probability);
        }

        void addCount(int count, double expectation) {
            observed += count;
            expected += expectation;
            double residual = count - expectation;
            variance += residual * residual;
        }

        void assertAgrees(String what) {
            double tolerance = STANDARD_ERRORS * Math.sqrt(variance);
            assertEquals(expected, observed, tolerance, what + ": expected " + expected + " observed " + observed);
        }
    }
}
