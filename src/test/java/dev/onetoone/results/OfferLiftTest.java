package dev.onetoone.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OfferLiftTest {
    /** Sums of the per-row values given. */
    private static OfferLift.GroupSums sums(double[] revenue, double[] margin) {
        double revenueSum = 0;
        double marginSum = 0;
        double squares = 0;
        for (int row = 0; row < margin.length; row++) {
            revenueSum += revenue[row];
            marginSum += margin[row];
            squares += margin[row] * margin[row];
        }
        return new OfferLift.GroupSums(margin.length, revenueSum, marginSum, squares);
    }

    @Test
    void theIncrementIsTheDifferenceOfMeansTimesTreatedRowsWithAWelchInterval() {
        // treated margins 10, 0, 5, 5: mean 5, sample variance (25 + 25 + 0 + 0) / 3 = 50/3
        // withheld margins 2, 0, 1: mean 1, sample variance (1 + 1 + 0) / 2 = 1
        var treated = sums(new double[] {20, 0, 12, 8}, new double[] {10, 0, 5, 5});
        var withheld = sums(new double[] {6, 0, 3}, new double[] {2, 0, 1});
        OfferLift lift = OfferLift.of("c", 6, 3, treated, withheld);

        assertEquals(10.0, lift.revenuePerTreated(), 1e-12);
        assertEquals(3.0, lift.revenuePerControl(), 1e-12);
        assertEquals(28.0, lift.incrementalRevenue(), 1e-12);
        assertEquals(16.0, lift.incrementalMargin(), 1e-12);
        // standard error of the total: sqrt(50/3/4 + 1/3) * 4 = sqrt(4.5) * 4 = 8.485281...
        double halfWidth = 1.959963984540054 * Math.sqrt(4.5) * 4;
        assertEquals(16.0 - halfWidth, lift.marginCiLow(), 1e-9);
        assertEquals(16.0 + halfWidth, lift.marginCiHigh(), 1e-9);
        assertEquals(0.5, lift.redemptionRate(), 1e-12);
        assertEquals(3, lift.controlRows());
        assertEquals("", lift.note());
    }

    @Test
    void thePrePeriodAdjustmentRemovesTheSpreadTheCustomersRecentMarginExplains() {
        // (x, y): treated (1, 3), (3, 7); withheld (0, 0), (2, 4). Over all four rows: sum x 6, sum y 14,
        // sum x^2 14, sum xy 32, so theta = (32 - 6 * 14 / 4) / (14 - 36 / 4) = 11 / 5 = 2.2.
        var treated = new OfferLift.GroupSums(2, 10, 10, 58, 4, 10, 24);
        var withheld = new OfferLift.GroupSums(2, 4, 4, 16, 2, 4, 8);
        OfferLift lift = OfferLift.of("c", 2, 0, treated, withheld);
        assertEquals(6.0, lift.incrementalMargin(), 1e-12);
        // ((5 - 2) - 2.2 * (2 - 1)) * 2 = 1.6
        assertEquals(1.6, lift.adjustedMargin(), 1e-12);
        // residuals y - 2.2 x: treated 0.8, 0.4 (variance 0.08), withheld 0, -0.4 (variance 0.08):
        // standard error sqrt(0.08 / 2 + 0.08 / 2) * 2; unadjusted sqrt(8 / 2 + 8 / 2) * 2
        assertEquals(Math.sqrt(0.08) * 2, lift.adjustedStandardError(), 1e-9);
        assertEquals(Math.sqrt(8) * 2, lift.marginStandardError(), 1e-9);
        assertEquals(0.99, lift.varianceReduction(), 1e-9);
    }

    @Test
    void withoutAPrePeriodTheAdjustedLiftIsTheLift() {
        var treated = sums(new double[] {20, 0, 12, 8}, new double[] {10, 0, 5, 5});
        var withheld = sums(new double[] {6, 0, 3}, new double[] {2, 0, 1});
        OfferLift lift = OfferLift.of("c", 4, 0, treated, withheld);
        assertEquals(lift.incrementalMargin(), lift.adjustedMargin(), 1e-12);
        assertEquals(lift.marginCiLow(), lift.adjustedCiLow(), 1e-12);
        assertEquals(0.0, lift.varianceReduction(), 1e-12);
    }

    @Test
    void theTotalOfCampaignsAddsTheirIncrementsAndVariances() {
        // campaign x: treated 10, 0 (mean 5, variance 50), withheld 0, 2 (mean 1, variance 2): increment 8,
        // variance of the total (50/2 + 2/2) * 2^2 = 104; campaign y: treated 3, 5, 7 (mean 5, variance 4),
        // withheld 4, 4 (mean 4, variance 0): increment 3, variance (4/3 + 0) * 9 = 12
        OfferLift x = OfferLift.of("x", 2, 0, sums(new double[] {10, 0}, new double[] {10, 0}), sums(new double[] {0, 2}, new double[] {0, 2}));
        OfferLift y = OfferLift.of("y", 3, 0, sums(new double[] {3, 5, 7}, new double[] {3, 5, 7}), sums(new double[] {4, 4}, new double[] {4, 4}));
        OfferLift z = OfferLift.of("z", 1, 0, sums(new double[] {9}, new double[] {9}), OfferLift.GroupSums.EMPTY);
        OfferLift pooled = OfferLift.of("all", 6, 0, sums(new double[] {10, 0, 3, 5, 7, 9}, new double[] {10, 0, 3, 5, 7, 9}),
                sums(new double[] {0, 2, 4, 4}, new double[] {0, 2, 4, 4}));

        OfferLift total = OfferLift.total(pooled, java.util.List.of(x, y, z));
        assertEquals(11.0, total.incrementalMargin(), 1e-12);
        assertEquals(11.0, total.incrementalRevenue(), 1e-12);
        assertEquals(Math.sqrt(116), total.marginStandardError(), 1e-9);
        assertEquals(11.0 - 1.959963984540054 * Math.sqrt(116), total.marginCiLow(), 1e-9);
        assertEquals(11.0, total.adjustedMargin(), 1e-12, "no pre-period: the adjusted total is the total");
        assertEquals(6, total.offersSent());
        assertEquals(34.0 / 6, total.revenuePerTreated(), 1e-12);
        assertEquals("left out, without treated or control rows: z", total.note());
    }

    @Test
    void withoutControlRowsEveryIncrementIsZeroAndTheNoteSaysWhy() {
        var treated = sums(new double[] {20, 4}, new double[] {10, 2});
        OfferLift lift = OfferLift.of("c", 2, 1, treated, OfferLift.GroupSums.EMPTY);
        assertEquals(12.0, lift.revenuePerTreated(), 1e-12);
        assertEquals(0.0, lift.revenuePerControl());
        assertEquals(0.0, lift.incrementalRevenue());
        assertEquals(0.0, lift.incrementalMargin());
        assertEquals(0.0, lift.marginCiLow());
        assertEquals(0.0, lift.marginCiHigh());
        assertEquals("no control rows: the lift cannot be measured", lift.note());
    }

    @Test
    void nothingSentGivesARedemptionRateOfZeroNotNaN() {
        OfferLift lift = OfferLift.of("all", 0, 0, OfferLift.GroupSums.EMPTY, OfferLift.GroupSums.EMPTY);
        assertEquals(0.0, lift.redemptionRate());
        assertEquals("no treated and no control rows", lift.note());
    }

    @Test
    void singleRowGroupsContributeNoVarianceSoTheIntervalCollapsesToThePoint() {
        OfferLift lift = OfferLift.of("c", 1, 0, new OfferLift.GroupSums(1, 9, 4, 16), new OfferLift.GroupSums(1, 5, 1, 1));
        assertEquals(3.0, lift.incrementalMargin(), 1e-12);
        assertEquals(3.0, lift.marginCiLow(), 1e-12);
        assertEquals(3.0, lift.marginCiHigh(), 1e-12);
        assertEquals("a group has fewer than two rows: the interval has no width", lift.note());
    }
}
