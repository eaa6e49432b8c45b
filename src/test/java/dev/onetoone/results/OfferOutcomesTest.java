package dev.onetoone.results;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.io.Tables;
import dev.onetoone.testing.SparkTestSupport;

/**
 * Campaign a: treatment o1-o4, explore o5, control o6 and o7, holdout o8; campaign b: treatment o9 for customer c1,
 * whose window is the same as o1's, and no control. Products P1 cost 5, P2 cost 2, P3 no cost. Window 2026-01-01 to
 * 2026-01-14 for every offer.
 */
class OfferOutcomesTest extends SparkTestSupport {
    private static final Date AS_OF = Date.valueOf("2025-12-31");
    private static final Date FROM = Date.valueOf("2026-01-01");
    private static final Date TO = Date.valueOf("2026-01-14");

    private static Dataset<Row> offers() {
        StructType schema = new StructType().add("as_of", DataTypes.DateType).add("offer_id", DataTypes.StringType)
                .add("customer_id", DataTypes.StringType).add("campaign_id", DataTypes.StringType)
                .add("offer_group", DataTypes.StringType).add("valid_from", DataTypes.DateType).add("valid_to", DataTypes.DateType);
        String[][] rows = {{"o1", "c1", "a", "treatment"}, {"o2", "c2", "a", "treatment"}, {"o3", "c3", "a", "treatment"},
                {"o4", "c4", "a", "treatment"}, {"o5", "c5", "a", "explore"}, {"o6", "c6", "a", "control"},
                {"o7", "c7", "a", "control"}, {"o8", "c8", "a", "holdout"}, {"o9", "c1", "b", "treatment"}};
        List<Row> data = java.util.Arrays.stream(rows).map(row -> RowFactory.create(AS_OF, row[0], row[1], row[2], row[3], FROM, TO)).toList();
        return spark().createDataFrame(data, schema);
    }

    private static Row line(String customer, String date, String product, double quantity, String amount, String offer, boolean isReturn) {
        return RowFactory.create(customer, Date.valueOf(date), product, quantity, new BigDecimal(amount), offer, isReturn);
    }

    private static Dataset<Row> transactions() {
        StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("purchase_date", DataTypes.DateType)
                .add("product_id", DataTypes.StringType).add("quantity", DataTypes.DoubleType).add("amount", Tables.MONEY)
                .add("offer_id", DataTypes.StringType).add("is_return", DataTypes.BooleanType);
        return spark().createDataFrame(List.of(
                line("c1", "2026-01-03", "P1", 2, "18.00", "o1", false),   // revenue 18, margin 18 - 2 * 5 = 8, redeems o1
                line("c1", "2025-12-31", "P1", 10, "100.00", null, false), // before the window: not counted; pre-period margin 50
                line("c3", "2025-12-17", "P1", 1, "10.00", null, false),   // 15 days before: outside the 14-day pre-period too
                line("c3", "2026-01-14", "P1", 1, "10.00", null, false),   // last day: revenue 10, margin 5
                line("c4", "2026-01-01", "P3", 1, "7.00", "o4", false),    // no cost: revenue 7, margin 0
                line("c5", "2026-01-05", "P1", 1, "9.00", "o5", false),    // explore, redeemed
                line("c6", "2026-01-02", "P1", 1, "10.00", null, false),   // control: revenue 10, margin 5
                line("c7", "2026-01-15", "P1", 1, "10.00", null, false),   // after the window: not counted
                line("c8", "2026-01-09", "P2", 3, "12.00", null, false),   // holdout: revenue 12, margin 12 - 6 = 6
                line("c2", "2026-01-04", "P1", -1, "-10.00", "o2", true)), // a return carrying o2 redeems nothing
                schema);
    }

    private static Dataset<Row> products() {
        StructType schema = new StructType().add("product_id", DataTypes.StringType).add("unit_cost", Tables.UNIT_PRICE);
        return spark().createDataFrame(List.of(RowFactory.create("P1", new BigDecimal("5.0000")),
                RowFactory.create("P2", new BigDecimal("2.0000")), RowFactory.create("P3", null)), schema);
    }

    @Test
    void eachOfferGetsItsCustomersSpendAndMarginInsideItsWindowAndIsRedeemedOnlyByAPurchaseWithItsId() {
        Map<String, Row> byOffer = OfferOutcomes.perOffer(offers(), transactions(), products()).collectAsList().stream()
                .collect(Collectors.toMap(row -> row.getAs("offer_id"), row -> row));
        assertEquals(18.0, byOffer.get("o1").<Double>getAs("revenue"), 1e-9);
        assertEquals(8.0, byOffer.get("o1").<Double>getAs("margin"), 1e-9);
        // the pre-period is the 14 days before the 14-day window, 2025-12-18 to 2025-12-31
        assertEquals(50.0, byOffer.get("o1").<Double>getAs("pre_margin"), 1e-9);
        assertEquals(50.0, byOffer.get("o9").<Double>getAs("pre_margin"), 1e-9);
        assertEquals(0.0, byOffer.get("o3").<Double>getAs("pre_margin"), 1e-9);
        assertEquals(10.0, byOffer.get("o3").<Double>getAs("revenue"), 1e-9);
        assertTrue(byOffer.get("o1").<Boolean>getAs("redeemed"));
        // c2's only line is a return of 10 at cost 5: revenue -10, margin -10 - (-1 * 5) = -5; a return redeems nothing
        assertEquals(-10.0, byOffer.get("o2").<Double>getAs("revenue"), 1e-9);
        assertEquals(-5.0, byOffer.get("o2").<Double>getAs("margin"), 1e-9);
        assertFalse(byOffer.get("o2").<Boolean>getAs("redeemed"));
        assertEquals(0.0, byOffer.get("o4").<Double>getAs("margin"), 1e-9);
        assertEquals(1L, byOffer.get("o4").<Long>getAs("lines_without_cost"));
        assertEquals(0.0, byOffer.get("o7").<Double>getAs("revenue"), 1e-9);
        assertEquals(18.0, byOffer.get("o9").<Double>getAs("revenue"), 1e-9, "overlapping offers of one customer share the spend");
        assertFalse(byOffer.get("o9").<Boolean>getAs("redeemed"), "c1's purchase carries o1, not o9");
    }

    @Test
    void thePrePeriodEndsWhenTheCustomerWasFirstChosenForTheCampaign() {
        // c3 was first chosen for campaign a with a window from 2025-12-20: its pre-period is the 14 days before,
        // 2025-12-06 to 2025-12-19, which holds its line of 2025-12-17 (margin 10 - 5 = 5); c1 was first chosen
        // for campaign b, not a, earlier, so o1 keeps the pre-period before 2026-01-01
        Dataset<Row> earlier = offers().where("offer_id in ('o3', 'o9')").withColumn("valid_from", lit(Date.valueOf("2025-12-20")));
        Map<String, Row> byOffer = OfferOutcomes.perOffer(offers(), earlier, transactions(), products())
                .collectAsList().stream().collect(Collectors.toMap(row -> row.getAs("offer_id"), row -> row));
        assertEquals(5.0, byOffer.get("o3").<Double>getAs("pre_margin"), 1e-9);
        assertEquals(50.0, byOffer.get("o1").<Double>getAs("pre_margin"), 1e-9);
        // o9 (campaign b, c1) was first chosen from 2025-12-20 too: c1 has no line from 2025-12-06 to 2025-12-19
        assertEquals(0.0, byOffer.get("o9").<Double>getAs("pre_margin"), 1e-9);
        assertEquals(10.0, byOffer.get("o3").<Double>getAs("revenue"), 1e-9, "the window itself is unchanged");
    }

    @Test
    void campaignAndAllLiftsAreWorkedOutFromTheTreatedAndWithheldRows() {
        List<OfferLift> lifts = OfferOutcomes.lifts(OfferOutcomes.groupSums(OfferOutcomes.perOffer(offers(), transactions(), products())).collectAsList());
        assertEquals(List.of("a", "b", "all"), lifts.stream().map(OfferLift::campaignId).toList());

        // a: treated o1-o4 revenue 18, -10, 10, 7 and margin 8, -5, 5, 0; withheld o6-o8 revenue 10, 0, 12, margin 5, 0, 6
        OfferLift a = lifts.get(0);
        assertEquals(5, a.offersSent());
        assertEquals(3, a.controlRows());
        assertEquals(3, a.redemptions(), "o1, o4 and the explore offer o5");
        assertEquals(0.6, a.redemptionRate(), 1e-12);
        assertEquals(25.0 / 4, a.revenuePerTreated(), 1e-9);
        assertEquals(22.0 / 3, a.revenuePerControl(), 1e-9);
        assertEquals((25.0 / 4 - 22.0 / 3) * 4, a.incrementalRevenue(), 1e-9);
        assertEquals((8.0 / 4 - 11.0 / 3) * 4, a.incrementalMargin(), 1e-9);
        // treated margins 8, -5, 5, 0 around 2: squares 36 + 49 + 9 + 4 = 98, variance 98/3;
        // withheld 5, 0, 6 around 11/3: (16 + 121 + 49) / 9 = 186/9, variance 93/9
        double halfWidth = OfferLift.Z_95 * Math.sqrt(98.0 / 3 / 4 + 93.0 / 9 / 3) * 4;
        assertEquals(a.incrementalMargin() - halfWidth, a.marginCiLow(), 1e-9);
        assertEquals(a.incrementalMargin() + halfWidth, a.marginCiHigh(), 1e-9);
        // pre-period margins: o1 50, every other row 0; over the 7 rows sum x = 50, sum x^2 = 2500, sum y = 19,
        // sum xy = 400: theta = (400 - 50 * 19 / 7) / (2500 - 2500 / 7) = 1850 / 15000; treated mean x 12.5, withheld 0
        assertEquals((8.0 / 4 - 11.0 / 3 - 1850.0 / 15000 * 12.5) * 4, a.adjustedMargin(), 1e-9);

        OfferLift b = lifts.get(1);
        assertEquals(1, b.offersSent());
        assertEquals(0.0, b.incrementalMargin());
        assertEquals("no control rows: the lift cannot be measured", b.note());

        // all: counts and mean revenues over every row (treated o1-o4 and o9: revenue 18 - 10 + 10 + 7 + 18 = 43);
        // the increment is stratified by campaign, and b, which has no control group, is left out rather than
        // compared with a's control rows: the increment and interval are a's
        OfferLift all = lifts.get(2);
        assertEquals(6, all.offersSent());
        assertEquals(3, all.redemptions());
        assertEquals(43.0 / 5, all.revenuePerTreated(), 1e-9);
        assertEquals(a.incrementalMargin(), all.incrementalMargin(), 1e-9);
        assertEquals(a.incrementalRevenue(), all.incrementalRevenue(), 1e-9);
        assertEquals(a.marginCiLow(), all.marginCiLow(), 1e-9);
        assertEquals(a.marginCiHigh(), all.marginCiHigh(), 1e-9);
        assertEquals("left out, without treated or control rows: b", all.note());
    }

    @Test
    void noOffersGiveNoLiftRows() {
        var none = offers().where("offer_id = 'none'");
        assertTrue(OfferOutcomes.groupSums(OfferOutcomes.perOffer(none, transactions(), products())).collectAsList().isEmpty());
    }
}
