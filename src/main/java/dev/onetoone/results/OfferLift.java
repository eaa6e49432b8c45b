package dev.onetoone.results;

import java.util.ArrayList;
import java.util.List;

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
 * <p>Adjusted for the pre-period (CUPED). Each row also carries x, its customer's margin in a window of the same
 * length just before they were first chosen for the campaign ({@link OfferOutcomes#perOffer}): fixed before any
 * offer of the campaign could move it, and correlated with the margin y measured in the window. With {@code theta = cov(x, y) / var(x)} over the treated
 * and withheld rows together (0 when x does not vary), the adjusted increment is
 * {@code ((mean y_t - mean y_c) - theta * (mean x_t - mean x_c)) * n_t}: still unbiased, since x has the same mean in
 * both groups, and with the variance of {@code y - theta x} in place of that of y in the Welch error, so the
 * interval narrows by the share of the margin's spread that the customer's recent margin explains
 * ({@link #varianceReduction()}).
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
 * @param adjustedMargin      incrementalMargin adjusted for the pre-period margin
 * @param adjustedCiLow       lower end of the 95% interval of adjustedMargin
 * @param adjustedCiHigh      upper end
 * @param note                empty, or why the lift is 0
 */
public record OfferLift(String campaignId, long offersSent, long controlRows, long treatedRows, long redemptions,
        double revenuePerTreated, double revenuePerControl, double incrementalRevenue, double incrementalMargin,
        double marginCiLow, double marginCiHigh, double adjustedMargin, double adjustedCiLow, double adjustedCiHigh, String note) {

    /** Two-sided 95% quantile of the standard normal. */
    public static final double Z_95 = 1.959963984540054;

    public double redemptionRate() {
        return offersSent == 0 ? 0.0 : (double) redemptions / offersSent;
    }

    /**
     * Sums of one group: rows, and per row the sums of revenue, of margin y and its square, of the pre-period margin x
     * and its square, and of x times y.
     */
    public record GroupSums(long rows, double revenue, double margin, double marginSquares, double pre, double preSquares,
            double preTimesMargin) {
        public static final GroupSums EMPTY = new GroupSums(0, 0.0, 0.0, 0.0);

        /** Sums without a pre-period (x = 0 on every row). */
        public GroupSums(long rows, double revenue, double margin, double marginSquares) {
            this(rows, revenue, margin, marginSquares, 0.0, 0.0, 0.0);
        }

        double meanRevenue() {
            return rows == 0 ? 0.0 : revenue / rows;
        }

        double meanMargin() {
            return rows == 0 ? 0.0 : margin / rows;
        }

        double meanPre() {
            return rows == 0 ? 0.0 : pre / rows;
        }

        /** Sample variance of the margin, 0 for fewer than two rows; never negative from rounding. */
        double marginVariance() {
            return adjustedVariance(0.0);
        }

        /** Sample variance of y - theta x, 0 for fewer than two rows; never negative from rounding. */
        double adjustedVariance(double theta) {
            if (rows < 2) {
                return 0.0;
            }
            double sum = margin - theta * pre;
            double squares = marginSquares - 2 * theta * preTimesMargin + theta * theta * preSquares;
            return Math.max(0.0, (squares - sum * sum / rows) / (rows - 1));
        }
    }

    /** The standard error of {@link #incrementalMargin()}, from the width of its 95% interval. */
    public double marginStandardError() {
        return (marginCiHigh - marginCiLow) / (2 * Z_95);
    }

    /** The standard error of {@link #adjustedMargin()}, from the width of its 95% interval. */
    public double adjustedStandardError() {
        return (adjustedCiHigh - adjustedCiLow) / (2 * Z_95);
    }

    /** 1 - adjusted variance / unadjusted variance: the share of the variance the pre-period removed (0 if none). */
    public double varianceReduction() {
        double unadjusted = marginStandardError();
        return unadjusted <= 0 ? 0.0 : 1 - Math.pow(adjustedStandardError() / unadjusted, 2);
    }

    /**
     * The lift of several campaigns together: counts and mean revenues from {@code pooled} (the sums of all their
     * rows), increments the sum over the campaigns that have treated and control rows, and the intervals from the sum
     * of their variances. The note names the campaigns left out.
     */
    public static OfferLift total(OfferLift pooled, List<OfferLift> campaigns) {
        double revenue = 0;
        double margin = 0;
        double variance = 0;
        double adjusted = 0;
        double adjustedVariance = 0;
        List<String> leftOut = new ArrayList<>();
        for (OfferLift campaign : campaigns) {
            if (campaign.treatedRows() == 0 || campaign.controlRows() == 0) {
                leftOut.add(campaign.campaignId());
                continue;
            }
            revenue += campaign.incrementalRevenue();
            margin += campaign.incrementalMargin();
            variance += Math.pow(campaign.marginStandardError(), 2);
            adjusted += campaign.adjustedMargin();
            adjustedVariance += Math.pow(campaign.adjustedStandardError(), 2);
        }
        String note = leftOut.size() == campaigns.size() ? "no campaign has both treated and control rows"
                : leftOut.isEmpty() ? "" : "left out, without treated or control rows: " + String.join(", ", leftOut);
        double halfWidth = Z_95 * Math.sqrt(variance);
        double adjustedHalfWidth = Z_95 * Math.sqrt(adjustedVariance);
        return new OfferLift(pooled.campaignId(), pooled.offersSent(), pooled.controlRows(), pooled.treatedRows(), pooled.redemptions(),
                pooled.revenuePerTreated(), pooled.revenuePerControl(), revenue, margin, margin - halfWidth, margin + halfWidth,
                adjusted, adjusted - adjustedHalfWidth, adjusted + adjustedHalfWidth, note);
    }

    public static OfferLift of(String campaignId, long offersSent, long redemptions, GroupSums treated, GroupSums withheld) {
        if (treated.rows() == 0 || withheld.rows() == 0) {
            String note = treated.rows() == 0 && withheld.rows() == 0 ? "no treated and no control rows"
                    : treated.rows() == 0 ? "no treated rows" : "no control rows: the lift cannot be measured";
            return new OfferLift(campaignId, offersSent, withheld.rows(), treated.rows(), redemptions,
                    treated.meanRevenue(), withheld.meanRevenue(), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, note);
        }
        double rows = treated.rows();
        double margin = (treated.meanMargin() - withheld.meanMargin()) * rows;
        double standardError = Math.sqrt(treated.marginVariance() / treated.rows() + withheld.marginVariance() / withheld.rows()) * rows;
        double theta = theta(treated, withheld);
        double adjusted = margin - theta * (treated.meanPre() - withheld.meanPre()) * rows;
        double adjustedError = Math.sqrt(treated.adjustedVariance(theta) / treated.rows() + withheld.adjustedVariance(theta) / withheld.rows()) * rows;
        return new OfferLift(campaignId, offersSent, withheld.rows(), treated.rows(), redemptions,
                treated.meanRevenue(), withheld.meanRevenue(), (treated.meanRevenue() - withheld.meanRevenue()) * rows,
                margin, margin - Z_95 * standardError, margin + Z_95 * standardError,
                adjusted, adjusted - Z_95 * adjustedError, adjusted + Z_95 * adjustedError,
                treated.rows() < 2 || withheld.rows() < 2 ? "a group has fewer than two rows: the interval has no width" : "");
    }

    /** cov(x, y) / var(x) over both groups' rows together; 0 when x does not vary. */
    static double theta(GroupSums treated, GroupSums withheld) {
        double rows = treated.rows() + withheld.rows();
        double x = treated.pre() + withheld.pre();
        double y = treated.margin() + withheld.margin();
        double xx = treated.preSquares() + withheld.preSquares();
        double xy = treated.preTimesMargin() + withheld.preTimesMargin();
        double spread = xx - x * x / rows;
        if (!(spread > 1e-12 * Math.max(1.0, xx))) {
            return 0.0;
        }
        return (xy - x * y / rows) / spread;
    }
}
