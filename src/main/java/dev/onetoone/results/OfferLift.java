package dev.onetoone.results;

/**
 * The measured lift of one campaign (or all campaigns) from its group sums, in plain Java.
 *
 * <p>The unit is an offer row. The treated group is the treatment rows; explore rows are counted as sent and
 * redeemed but left out of the lift, because their offers were drawn at random rather than chosen, so they are not
 * exchangeable with the control rows of chosen offers. The comparison group is the withheld rows: the campaign's
 * control group and the global holdout, both assigned by a salted hash independent of the customer. Incremental
 * margin is the difference of mean margin per row, treated minus withheld, times the treated rows; its 95% interval
 * is the normal approximation with Welch's standard error, {@code 1.96 * sqrt(s_t^2 / n_t + s_c^2 / n_c) * n_t},
 * with sample variances (a group of one row contributes variance 0). Without treated or withheld rows there is no
 * lift to measure: revenue, increments and interval are 0 and {@link #note()} says why.
 *
 * <p>The lift of all campaigns together is stratified by campaign ({@link #total}): the sum of the campaigns'
 * increments, with the sum of their variances. Each campaign is compared with its own control group only, so a
 * campaign without control rows cannot borrow another campaign's, and differences between campaigns do not widen
 * the interval.
 *
 * @param campaignId          campaign, or all
 * @param offersSent          treatment and explore rows
 * @param controlRows         control and holdout rows
 * @param treatedRows         treatment rows (the lift is per treated row)
 * @param redemptions         sent rows redeemed
 * @param revenuePerTreated   mean spend per treated row in its window
 * @param revenuePerControl   mean spend per withheld row in its window
 * @param incrementalRevenue  (revenuePerTreated - revenuePerControl) * treatedRows
 * @param incrementalMargin   (mean margin treated - mean margin withheld) * treatedRows
 * @param marginCiLow         lower end of the 95% interval of incrementalMargin
 * @param marginCiHigh        upper end
 * @param note                empty, or why the lift is 0
 */
public record OfferLift(String campaignId, long offersSent, long controlRows, long treatedRows, long redemptions,
        double revenuePerTreated, double revenuePerControl, double incrementalRevenue, double incrementalMargin,
        double marginCiLow, double marginCiHigh, String note) {

    /** Two-sided 95% quantile of the standard normal. */
    public static final double Z_95 = 1.959963984540054;

    public double redemptionRate() {
        return offersSent == 0 ? 0.0 : (double) redemptions / offersSent;
    }

    /**
     * Sums of one group: rows, and per row the sum and sum of squares of margin, and the sum of revenue.
     */
    public record GroupSums(long rows, double revenue, double margin, double marginSquares) {
        public static final GroupSums EMPTY = new GroupSums(0, 0.0, 0.0, 0.0);

        double meanRevenue() {
            return rows == 0 ? 0.0 : revenue / rows;
        }

        double meanMargin() {
            return rows == 0 ? 0.0 : margin / rows;
        }

        /** Sample variance of the margin, 0 for fewer than two rows; never negative from rounding. */
        double marginVariance() {
            if (rows < 2) {
                return 0.0;
            }
            return Math.max(0.0, (marginSquares - margin * margin / rows) / (rows - 1));
        }
    }

    /** The standard error of {@link #incrementalMargin()}, from the width of its 95% interval. */
    public double marginStandardError() {
        return (marginCiHigh - marginCiLow) / (2 * Z_95);
    }

    /**
     * The lift of several campaigns together: counts and mean revenues from {@code pooled} (the sums of all their
     * rows), increments the sum over the campaigns that have treated and control rows, and the interval from the sum
     * of their variances. The note names the campaigns left out.
     */
    public static OfferLift total(OfferLift pooled, java.util.List<OfferLift> campaigns) {
        double revenue = 0;
        double margin = 0;
        double variance = 0;
        java.util.List<String> leftOut = new java.util.ArrayList<>();
        for (OfferLift campaign : campaigns) {
            if (campaign.treatedRows() == 0 || campaign.controlRows() == 0) {
                leftOut.add(campaign.campaignId());
                continue;
            }
            revenue += campaign.incrementalRevenue();
            margin += campaign.incrementalMargin();
            variance += campaign.marginStandardError() * campaign.marginStandardError();
        }
        String note = leftOut.size() == campaigns.size() ? "no campaign has both treated and control rows"
                : leftOut.isEmpty() ? "" : "left out, without treated or control rows: " + String.join(", ", leftOut);
        double halfWidth = Z_95 * Math.sqrt(variance);
        return new OfferLift(pooled.campaignId(), pooled.offersSent(), pooled.controlRows(), pooled.treatedRows(), pooled.redemptions(),
                pooled.revenuePerTreated(), pooled.revenuePerControl(), revenue, margin, margin - halfWidth, margin + halfWidth, note);
    }

    public static OfferLift of(String campaignId, long offersSent, long redemptions, GroupSums treated, GroupSums withheld) {
        if (treated.rows() == 0 || withheld.rows() == 0) {
            String note = treated.rows() == 0 && withheld.rows() == 0 ? "no treated and no control rows"
                    : treated.rows() == 0 ? "no treated rows" : "no control rows: the lift cannot be measured";
            return new OfferLift(campaignId, offersSent, withheld.rows(), treated.rows(), redemptions,
                    treated.meanRevenue(), withheld.meanRevenue(), 0.0, 0.0, 0.0, 0.0, note);
        }
        double rows = treated.rows();
        double margin = (treated.meanMargin() - withheld.meanMargin()) * rows;
        double standardError = Math.sqrt(treated.marginVariance() / treated.rows() + withheld.marginVariance() / withheld.rows()) * rows;
        return new OfferLift(campaignId, offersSent, withheld.rows(), treated.rows(), redemptions,
                treated.meanRevenue(), withheld.meanRevenue(), (treated.meanRevenue() - withheld.meanRevenue()) * rows,
                margin, margin - Z_95 * standardError, margin + Z_95 * standardError,
                treated.rows() < 2 || withheld.rows() < 2 ? "a group has fewer than two rows: the interval has no width" : "");
    }
}
