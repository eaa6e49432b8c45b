package dev.onetoone.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class PolicyEstimatorTest {
    private static final double Z = 1.959963984540054;

    /** Sums of the per-slot weights, rewards and doubly robust terms given. */
    private static PolicyEstimator.Sums sums(double[] weights, double[] rewards, double[] doublyRobust, long unsupported) {
        double w = 0;
        double ww = 0;
        double wy = 0;
        double wwy = 0;
        double wywy = 0;
        double dr = 0;
        double drdr = 0;
        long matched = 0;
        for (int slot = 0; slot < weights.length; slot++) {
            matched += weights[slot] > 0 ? 1 : 0;
            w += weights[slot];
            ww += weights[slot] * weights[slot];
            wy += weights[slot] * rewards[slot];
            wwy += weights[slot] * weights[slot] * rewards[slot];
            wywy += weights[slot] * rewards[slot] * weights[slot] * rewards[slot];
            dr += doublyRobust[slot];
            drdr += doublyRobust[slot] * doublyRobust[slot];
        }
        return new PolicyEstimator.Sums(weights.length, matched, unsupported, w, ww, wy, wwy, wywy, dr, drdr);
    }

    @Test
    void ipsSnipsAndDoublyRobustAreMeansOfTheirTermsWithNormalIntervals() {
        // weights 2, 0, 2, 0 and rewards 3, 5, 1, -1: IPS terms w y = 6, 0, 2, 0, mean 2, sample variance
        // (16 + 4 + 0 + 4) / 3 = 8, standard error sqrt(8 / 4)
        // SNIPS = 8 / 4 = 2; influence 4 w (y - 2) / 4 = 2, 0, -2, 0: variance 8 / 3, standard error sqrt(8 / 3 / 4)
        // DR terms 1, 2, 3, 4: mean 2.5, sample variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5 / 3
        var estimates = PolicyEstimator.estimate(sums(new double[] {2, 0, 2, 0}, new double[] {3, 5, 1, -1}, new double[] {1, 2, 3, 4}, 0));

        var ips = estimates.get(0);
        assertEquals(PolicyEstimator.IPS, ips.estimator());
        assertEquals(2.0, ips.valuePerSlot(), 1e-12);
        assertEquals(Math.sqrt(2), ips.standardError(), 1e-12);
        assertEquals(2 - Z * Math.sqrt(2), ips.ciLow(), 1e-9);
        assertEquals(2 + Z * Math.sqrt(2), ips.ciHigh(), 1e-9);
        var snips = estimates.get(1);
        assertEquals(PolicyEstimator.SNIPS, snips.estimator());
        assertEquals(2.0, snips.valuePerSlot(), 1e-12);
        assertEquals(Math.sqrt(2.0 / 3), snips.standardError(), 1e-12);
        var doublyRobust = estimates.get(2);
        assertEquals(PolicyEstimator.DOUBLY_ROBUST, doublyRobust.estimator());
        assertEquals(2.5, doublyRobust.valuePerSlot(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 12), doublyRobust.standardError(), 1e-12);
    }

    @Test
    void theIncrementOverAReferenceHasTheIntervalOfThePairedDifference() {
        double[] rewards = {3, 5, 1, -1};
        double[] policyWeights = {2, 0, 2, 0};
        double[] referenceWeights = {0, 2, 1, 2};
        double[] policyTerms = {1, 2, 3, 4};
        double[] referenceTerms = {0, 1, 0, 1};
        double crossWeights = 0;
        double crossWeightRewards = 0;
        double crossSquares = 0;
        double crossTerms = 0;
        for (int slot = 0; slot < rewards.length; slot++) {
            double both = policyWeights[slot] * referenceWeights[slot];
            crossWeights += both;
            crossWeightRewards += both * rewards[slot];
            crossSquares += both * rewards[slot] * rewards[slot];
            crossTerms += policyTerms[slot] * referenceTerms[slot];
        }
        var increments = PolicyEstimator.difference(sums(policyWeights, rewards, policyTerms, 0), sums(referenceWeights, rewards, referenceTerms, 0),
                new PolicyEstimator.CrossSums(crossWeights, crossWeightRewards, crossSquares, crossTerms));

        // IPS terms: policy 6, 0, 2, 0 (mean 2); reference 0, 10, 1, -2 (mean 2.25); paired differences 6, -10, 1, 2:
        // mean -0.25, squared deviations 39.0625 + 95.0625 + 1.5625 + 5.0625 = 140.75, variance 140.75 / 3
        assertEquals(-0.25, increments.get(0).valuePerSlot(), 1e-12);
        assertEquals(Math.sqrt(140.75 / 3 / 4), increments.get(0).standardError(), 1e-12);
        // SNIPS: policy 8 / 4 = 2, reference 9 / 5 = 1.8; influence values 4 w (y - V) / sum w: policy 2, 0, -2, 0,
        // reference 0.8 x (0, 6.4, -0.8, -5.6) = 0, 5.12, -0.64, -4.48; differences 2, -5.12, -1.36, 4.48,
        // squares 4 + 26.2144 + 1.8496 + 20.0704 = 52.1344
        assertEquals(0.2, increments.get(1).valuePerSlot(), 1e-12);
        assertEquals(Math.sqrt(52.1344 / 3 / 4), increments.get(1).standardError(), 1e-12);
        // DR terms: differences 1, 1, 3, 3: mean 2, variance 4 / 3
        assertEquals(2.0, increments.get(2).valuePerSlot(), 1e-12);
        assertEquals(Math.sqrt(4.0 / 3 / 4), increments.get(2).standardError(), 1e-12);
    }

    @Test
    void theEffectiveSampleSizeIsKishs() {
        // (2 + 0 + 2 + 0)^2 / (4 + 0 + 4 + 0) = 2: half the slots at weight 2 are worth two on-policy slots
        assertEquals(2.0, PolicyEstimator.effectiveSampleSize(sums(new double[] {2, 0, 2, 0}, new double[4], new double[4], 0)), 1e-12);
        assertEquals(0.0, PolicyEstimator.effectiveSampleSize(sums(new double[] {0, 0}, new double[2], new double[2], 0)), 1e-12);
    }

    @Test
    void aPolicyWithAnActionTheLogNeverTakesCannotBeEstimated() {
        var estimates = PolicyEstimator.estimate(sums(new double[] {2, 0, 2, 0}, new double[] {3, 5, 1, -1}, new double[] {1, 2, 3, 4}, 3));
        for (var estimate : estimates) {
            assertFalse(estimate.estimable(), estimate.estimator());
            assertTrue(estimate.note().contains("3 slot(s)") && estimate.note().contains("zero propensity"), estimate.note());
            assertFalse(estimate.covers(0.0));
        }
    }

    @Test
    void aPolicyNoLoggedSlotAgreesWithCannotBeEstimated() {
        var estimates = PolicyEstimator.estimate(sums(new double[] {0, 0, 0}, new double[] {3, 5, 1}, new double[] {1, 2, 3}, 0));
        assertFalse(estimates.get(0).estimable());
        assertTrue(estimates.get(0).note().contains("no logged slot"), estimates.get(0).note());
    }

    /**
     * Simulation truth: slots with known purchase chances, logged with a known propensity of sending; the 95%
     * intervals of a threshold policy must hold its true value in close to 95% of independent logs. The weights and
     * the doubly robust terms are written out here from their definitions (Dudik, Langford and Li 2011), the sums and
     * intervals come from the estimator.
     */
    @Test
    void theIntervalsHoldTheTrueValueAndIncrementOfAPolicyInNinetyFivePercentOfLogs() {
        int slots = 400;
        int logs = 600;
        var random = new SplittableRandom(20261126L);
        double[] chanceWith = new double[slots];
        double[] chanceWithout = new double[slots];
        double[] margin = new double[slots];
        double[] sendProbability = new double[slots];
        double truth = 0;
        for (int slot = 0; slot < slots; slot++) {
            chanceWithout[slot] = 0.02 + 0.3 * random.nextDouble();
            chanceWith[slot] = Math.min(1, chanceWithout[slot] + 0.25 * random.nextDouble() - 0.05);
            margin[slot] = 10 + 40 * random.nextDouble();
            // the policy sends when the offer's expected gain is above 1 (a threshold on a logged score)
            sendProbability[slot] = (chanceWith[slot] * 0.9 - chanceWithout[slot]) * margin[slot] > 1 ? 1 : 0;
            truth += sendProbability[slot] * chanceWith[slot] * 0.9 * margin[slot] + (1 - sendProbability[slot]) * chanceWithout[slot] * margin[slot];
        }
        truth /= slots;
        double propensity = 0.3;
        double nothing = 0;
        for (int slot = 0; slot < slots; slot++) {
            nothing += chanceWithout[slot] * margin[slot];
        }
        double trueIncrement = truth - nothing / slots;
        int[] covered = new int[3];
        int[] incrementsCovered = new int[3];
        for (int log = 0; log < logs; log++) {
            double[] weights = new double[slots];
            double[] rewards = new double[slots];
            double[] doublyRobust = new double[slots];
            double[] referenceWeights = new double[slots];
            double[] referenceTerms = new double[slots];
            for (int slot = 0; slot < slots; slot++) {
                boolean sent = random.nextDouble() < propensity;
                double chance = sent ? chanceWith[slot] : chanceWithout[slot];
                // a basket of random value around its expected margin, 10% discount when sent
                double basket = random.nextDouble() < chance ? margin[slot] * (0.5 + random.nextDouble()) * (sent ? 0.9 : 1) : 0;
                double target = sendProbability[slot];
                weights[slot] = sent ? target / propensity : (1 - target) / (1 - propensity);
                rewards[slot] = basket;
                // a deliberately rough reward model: 80% of the true expectations
                double modelSend = 0.8 * chanceWith[slot] * 0.9 * margin[slot];
                double modelWithhold = 0.8 * chanceWithout[slot] * margin[slot];
                doublyRobust[slot] = target * modelSend + (1 - target) * modelWithhold + weights[slot] * (basket - (sent ? modelSend : modelWithhold));
                // the reference, sending nothing
                referenceWeights[slot] = sent ? 0 : 1 / (1 - propensity);
                referenceTerms[slot] = modelWithhold + referenceWeights[slot] * (basket - (sent ? modelSend : modelWithhold));
            }
            var estimates = PolicyEstimator.estimate(sums(weights, rewards, doublyRobust, 0));
            double crossWeights = 0;
            double crossWeightRewards = 0;
            double crossSquares = 0;
            double crossTerms = 0;
            for (int slot = 0; slot < slots; slot++) {
                double both = weights[slot] * referenceWeights[slot];
                crossWeights += both;
                crossWeightRewards += both * rewards[slot];
                crossSquares += both * rewards[slot] * rewards[slot];
                crossTerms += doublyRobust[slot] * referenceTerms[slot];
            }
            var increments = PolicyEstimator.difference(sums(weights, rewards, doublyRobust, 0), sums(referenceWeights, rewards, referenceTerms, 0),
                    new PolicyEstimator.CrossSums(crossWeights, crossWeightRewards, crossSquares, crossTerms));
            for (int estimator = 0; estimator < 3; estimator++) {
                covered[estimator] += estimates.get(estimator).covers(truth) ? 1 : 0;
                incrementsCovered[estimator] += increments.get(estimator).covers(trueIncrement) ? 1 : 0;
            }
        }
        for (int estimator = 0; estimator < 3; estimator++) {
            double coverage = covered[estimator] / (double) logs;
            // 600 logs: the binomial standard error of a 95% coverage is 0.009, so [0.92, 0.98] is +- 3.3 of them
            assertTrue(coverage >= 0.92 && coverage <= 0.98, "coverage of estimator " + estimator + ": " + coverage);
            double incrementCoverage = incrementsCovered[estimator] / (double) logs;
            assertTrue(incrementCoverage >= 0.92 && incrementCoverage <= 0.98, "coverage of the increment by estimator " + estimator + ": "
                    + incrementCoverage);
        }
    }
}
