package dev.onetoone.offers;

/**
 * Typed eligibility thresholds of a campaign. Each campaign type reads only the settings listed in
 * {@link CampaignType#eligibilityKeys()}; the loader rejects the others, so a misspelt or misplaced threshold fails
 * at start-up instead of being ignored.
 *
 * @param minPAlive       lowest P(alive) (second_order, replenishment, cross_sell)
 * @param windowFactor    second_order: days since the first purchase above this multiple of the expected gap
 * @param minOverdueRatio replenishment: overdue_ratio above this
 * @param dueWithinDays   replenishment: the repeat product is due on or before as_of plus this many days
 * @param minClvQuantile  win_back, vip: clv at or above this population quantile
 * @param minPAliveDrop   win_back: P(alive) fell by at least this since the lookback date
 * @param maxPAlive       win_back without an earlier model: P(alive) below this
 * @param lookbackDays    win_back: compare with the latest customer_model at least this many days earlier
 * @param maxRank         cross_sell: the product's new_rank (its rank among the customer's new products) at most this;
 *                        rows written before new_rank existed have none, and their rank counts
 * @param minScore        cross_sell: product affinity score at least this
 */
public record Eligibility(double minPAlive, double windowFactor, double minOverdueRatio, int dueWithinDays,
        double minClvQuantile, double minPAliveDrop, double maxPAlive, int lookbackDays, int maxRank, double minScore) {

    /** Defaults per type where they differ (vip takes the top 5 % by clv, win_back the top half). */
    public static Eligibility defaults(CampaignType type) {
        double clvQuantile = type == CampaignType.VIP ? 0.95 : 0.5;
        return new Eligibility(0.05, 1.0, 1.2, 3, clvQuantile, 0.1, 0.5, 28, 3, 0.0);
    }
}
