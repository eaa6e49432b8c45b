package dev.onetoone.results;

import java.util.ArrayList;
import java.util.List;

/**
 * Off-policy estimates of a target policy's mean reward per slot from a few sums over the logged slots, in plain
 * Java (Spark computes the sums, {@link OffPolicyEvaluation}).
 *
 * <p>Notation: slot i took the logged action a_i with logging propensity q_i and earned the reward y_i; the target
 * policy takes that action with probability pi_i, so its importance weight is w_i = pi_i / q_i. r(x, a) is a reward
 * model's prediction. With n slots:
 * <ul>
 *   <li>IPS, inverse propensity scoring (the Horvitz-Thompson estimator: Horvitz and Thompson 1952, "A
 *   generalization of sampling without replacement from a finite universe"): V = (1/n) sum w_i y_i.</li>
 *   <li>SNIPS, self-normalised IPS (Hajek's ratio estimator; Swaminathan and Joachims 2015, "The self-normalized
 *   estimator for counterfactual learning"): V = sum w_i y_i / sum w_i. Biased by O(1/n), never outside the range
 *   of the observed rewards, usually with a smaller variance.</li>
 *   <li>DR, doubly robust (Dudik, Langford and Li 2011, "Doubly Robust Policy Evaluation and Learning", section 2):
 *   V = (1/n) sum [ sum_a pi(a | x_i) r(x_i, a) + w_i (y_i - r(x_i, a_i)) ]: unbiased when the propensities are
 *   right, whatever the reward model, with a smaller variance the better the model.</li>
 * </ul>
 * Intervals: each estimate is a mean (for SNIPS a ratio of means) of independent per-slot terms, so its standard
 * error is the standard deviation of the per-slot influence values over sqrt(n), and the 95% interval is the normal
 * one, V +- 1.96 se. The influence value of IPS is w_i y_i, of DR the bracket above, of SNIPS (delta method)
 * n w_i (y_i - V) / sum w. The effective sample size of the weights is Kish's (sum w)^2 / sum w^2: how many slots
 * logged under the target policy itself would give the same precision.
 */
public final class PolicyEstimator {
    public static final String IPS = "ips";
    public static final String SNIPS = "snips";
    public static final String DOUBLY_ROBUST = "dr";

    private PolicyEstimator() {
    }

    /**
     * The sums over the slots for one target policy.
     *
     * @param slots                  n, the slots evaluated
     * @param matched                slots whose logged action the target policy takes with a positive probability
     * @param unsupported            slots where the target policy takes an action the logging policy never takes
     * @param weights                sum w_i
     * @param weightSquares          sum w_i^2
     * @param weightedRewards        sum w_i y_i
     * @param squaredWeightRewards   sum w_i^2 y_i
     * @param squaredWeightedRewards sum (w_i y_i)^2
     * @param doublyRobust           sum of the doubly robust terms
     * @param doublyRobustSquares    sum of their squares
     */
    public record Sums(long slots, long matched, long unsupported, double weights, double weightSquares, double weightedRewards,
            double squaredWeightRewards, double squaredWeightedRewards, double doublyRobust, double doublyRobustSquares) {
    }

    /**
     * Sums over the slots of products of one policy's terms (X) and a reference policy's (R), for the interval of
     * the difference V_X - V_R estimated from the same log: the slots' terms are paired, so the difference's
     * influence value is the difference of theirs.
     *
     * @param weights                 sum w_X w_R
     * @param weightRewards           sum w_X w_R y
     * @param weightSquaredRewards    sum w_X w_R y^2 (the sum of the products of the IPS terms)
     * @param doublyRobust            sum of the products of the doubly robust terms
     */
    public record CrossSums(double weights, double weightRewards, double weightSquaredRewards, double doublyRobust) {
    }

    /** One estimator's value per slot, standard error and 95% interval; when not estimable, {@code note} says why. */
    public record Estimate(String estimator, boolean estimable, double valuePerSlot, double standardError, double ciLow, double ciHigh,
            String note) {
        static Estimate notEstimable(String estimator, String note) {
            return new Estimate(estimator, false, 0, 0, 0, 0, note);
        }

        /** True when the estimate is estimable and its 95% interval holds {@code value}. */
        public boolean covers(double value) {
            return estimable && ciLow <= value && value <= ciHigh;
        }
    }

    /** IPS, SNIPS and DR, in that order. */
    public static List<Estimate> estimate(Sums sums) {
        String reason = whyNotEstimable(sums);
        List<Estimate> estimates = new ArrayList<>();
        if (reason != null) {
            for (String estimator : List.of(IPS, SNIPS, DOUBLY_ROBUST)) {
                estimates.add(Estimate.notEstimable(estimator, reason));
            }
            return estimates;
        }
        double n = sums.slots();
        double ips = sums.weightedRewards() / n;
        estimates.add(fromMoments(IPS, ips, sums.squaredWeightedRewards(), n));
        double snips = sums.weightedRewards() / sums.weights();
        // sum of the squared influence values n w_i (y_i - V) / sum w, expanded so that only the sums are needed
        double scale = n / sums.weights();
        double influenceSquares = scale * scale
                * (sums.squaredWeightedRewards() - 2 * snips * sums.squaredWeightRewards() + snips * snips * sums.weightSquares());
        estimates.add(interval(SNIPS, snips, Math.max(0, influenceSquares) / (n - 1), n));
        double doublyRobust = sums.doublyRobust() / n;
        estimates.add(fromMoments(DOUBLY_ROBUST, doublyRobust, sums.doublyRobustSquares(), n));
        return estimates;
    }

    /**
     * IPS, SNIPS and DR estimates of V_X - V_R, policy X's value per slot minus the reference policy R's, with
     * intervals from the paired per-slot influence values (each estimator's value of X minus its value of R).
     */
    public static List<Estimate> difference(Sums policy, Sums reference, CrossSums cross) {
        String reason = whyNotEstimable(policy);
        if (reason == null) {
            reason = whyNotEstimable(reference);
            reason = reason == null ? null : "the reference: " + reason;
        }
        List<Estimate> estimates = new ArrayList<>();
        if (reason != null) {
            for (String estimator : List.of(IPS, SNIPS, DOUBLY_ROBUST)) {
                estimates.add(Estimate.notEstimable(estimator, reason));
            }
            return estimates;
        }
        double n = policy.slots();
        double ips = (policy.weightedRewards() - reference.weightedRewards()) / n;
        estimates.add(fromMoments(IPS, ips,
                policy.squaredWeightedRewards() - 2 * cross.weightSquaredRewards() + reference.squaredWeightedRewards(), n));
        double valueX = policy.weightedRewards() / policy.weights();
        double valueR = reference.weightedRewards() / reference.weights();
        double scaleX = n / policy.weights();
        double scaleR = n / reference.weights();
        double squaresX = scaleX * scaleX
                * (policy.squaredWeightedRewards() - 2 * valueX * policy.squaredWeightRewards() + valueX * valueX * policy.weightSquares());
        double squaresR = scaleR * scaleR
                * (reference.squaredWeightedRewards() - 2 * valueR * reference.squaredWeightRewards() + valueR * valueR * reference.weightSquares());
        double products = scaleX * scaleR
                * (cross.weightSquaredRewards() - (valueX + valueR) * cross.weightRewards() + valueX * valueR * cross.weights());
        estimates.add(interval(SNIPS, valueX - valueR, Math.max(0, squaresX - 2 * products + squaresR) / (n - 1), n));
        double doublyRobust = (policy.doublyRobust() - reference.doublyRobust()) / n;
        estimates.add(fromMoments(DOUBLY_ROBUST, doublyRobust,
                policy.doublyRobustSquares() - 2 * cross.doublyRobust() + reference.doublyRobustSquares(), n));
        return estimates;
    }

    /** Kish's effective sample size (sum w)^2 / sum w^2; 0 when no slot has weight. */
    public static double effectiveSampleSize(Sums sums) {
        return sums.weightSquares() > 0 ? sums.weights() * sums.weights() / sums.weightSquares() : 0;
    }

    /** Why the sums cannot give an estimate, or null when they can. */
    static String whyNotEstimable(Sums sums) {
        if (sums.unsupported() > 0) {
            return sums.unsupported() + " slot(s) would get an action the logged policy never takes there (zero propensity): cannot be estimated from this log";
        }
        if (sums.slots() < 2) {
            return "fewer than 2 randomised slots: cannot be estimated";
        }
        if (sums.matched() == 0 || sums.weights() <= 0) {
            return "no logged slot took an action of this policy: cannot be estimated";
        }
        return null;
    }

    /** A mean with the sample variance of its terms, (sum z^2 - n mean^2) / (n - 1). */
    private static Estimate fromMoments(String estimator, double mean, double sumOfSquares, double n) {
        return interval(estimator, mean, Math.max(0, sumOfSquares - n * mean * mean) / (n - 1), n);
    }

    private static Estimate interval(String estimator, double value, double termVariance, double n) {
        double standardError = Math.sqrt(termVariance / n);
        return new Estimate(estimator, true, value, standardError, value - OfferLift.Z_95 * standardError, value + OfferLift.Z_95 * standardError,
                null);
    }
}
