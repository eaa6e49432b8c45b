package dev.onetoone.loyalty;

import static dev.onetoone.loyalty.LoyaltyFixtures.Line.buy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import dev.onetoone.io.Tables;
import dev.onetoone.loyalty.LoyaltyFixtures.Programme;
import dev.onetoone.testing.SparkTestSupport;

/** The referral fraud rules and the referrer's bonus, on a handful of referrals. */
class ReferralStepTest extends SparkTestSupport {
    private static final LoyaltyConfig CONFIG = LoyaltyConfig.parse("""
            earning.rules=base
            rule.base.type=base
            points.return-window-days=10
            referral.referrer-points=500
            referral.first-purchase-discount-percent=15
            referral.max-chain-depth=3
            tier.levels=regular:0,silver:100
            tier.vip=silver
            """);

    private static final List<String> COLUMNS = List.of("referrer_id", "referred_id", "referral_date", "referral_code");

    @Test
    void selfReferralsLoopsSecondReferralsAndCustomersWhoHadBoughtAreQuarantined() {
        var programme = new Programme(CONFIG, List.of(
                buy("H1", "T1", "H", "2025-01-01", "P", "dairy", 1, "10.00"),
                buy("E1", "T2", "E", "2025-02-01", "P", "dairy", 1, "30.00")), LoyaltyFixtures.customers("A", null));
        // Accepted earlier: A referred B, P referred Q.
        programme.referrals = spark().createDataFrame(List.of(
                RowFactory.create("B", "A", Date.valueOf("2024-12-01"), "A1", 15.0, "r0", Timestamp.valueOf("2024-12-01 00:00:00")),
                RowFactory.create("Q", "P", Date.valueOf("2024-12-01"), "P1", 15.0, "r0", Timestamp.valueOf("2024-12-01 00:00:00"))),
                Tables.REFERRALS.schema());
        Dataset<Row> typed = EventInputs.referrals(LoyaltyFixtures.raw("referrals.csv", COLUMNS, List.of(
                List.of("A", "B", "2024-12-01", "A1"),     // the referral accepted earlier, in a file loaded again: skipped
                List.of("C", "C", "2025-01-05", "C1"),     // self_referral
                List.of("A", "B", "2025-01-05", "A2"),     // B was referred already
                List.of("B", "A", "2025-01-05", "B1"),     // A referred B: B referring A closes a loop
                List.of("D", "E", "2025-01-05", "D1"),     // accepted
                List.of("F", "E", "2025-01-06", "F1"),     // E referred a second time, later in the file
                List.of("G", "H", "2025-01-05", "G1"),     // H bought on 1 January, before the referral
                List.of("Q", "R", "2025-01-05", "Q1"),     // accepted: P -> Q -> R
                List.of("R", "P", "2025-01-07", "R1"))));  // P is R's referrer's referrer: a loop of three
        programme.night("2025-01-10", Optional.empty(), Optional.of(typed));

        List<String> accepted = programme.last.acceptedReferrals().collectAsList().stream()
                .map(row -> row.<String>getAs("referrer_id") + ">" + row.<String>getAs("referred_id") + ":" + row.<Double>getAs("first_purchase_discount_percent"))
                .sorted().toList();
        assertEquals(List.of("D>E:15.0", "Q>R:15.0"), accepted);
        Map<String, List<String>> rejected = new TreeMap<>();
        for (Row row : programme.last.rejectedReferrals().collectAsList()) {
            rejected.put(row.<String>getAs("referral_code"), row.getList(row.fieldIndex("reason_codes")));
        }
        assertEquals(Map.of("C1", List.of("self_referral"), "A2", List.of("duplicate_referral"), "B1", List.of("referral_loop"),
                "F1", List.of("duplicate_referral"), "G1", List.of("referred_already_customer"), "R1", List.of("referral_loop")), rejected);
    }

    @Test
    void aLoopIsFoundUpToTheMaximumChainDepthAndNotBeyondWhileShorterChainsEndEarlier() {
        var programme = new Programme(CONFIG, List.of(buy("Z1", "T1", "Z", "2025-01-01", "P", "dairy", 1, "10.00")),
                LoyaltyFixtures.customers("A", null));
        // Accepted earlier: P -> Q -> R -> S (S is three referrals below P) and U -> V -> W -> X -> Y (four below U).
        var earlier = new java.util.ArrayList<Row>();
        for (String[] edge : new String[][] {{"Q", "P"}, {"R", "Q"}, {"S", "R"}, {"V", "U"}, {"W", "V"}, {"X", "W"}, {"Y", "X"}}) {
            earlier.add(RowFactory.create(edge[0], edge[1], Date.valueOf("2024-12-01"), edge[1] + edge[0], 15.0, "r0",
                    Timestamp.valueOf("2024-12-01 00:00:00")));
        }
        programme.referrals = spark().createDataFrame(earlier, Tables.REFERRALS.schema());
        Dataset<Row> typed = EventInputs.referrals(LoyaltyFixtures.raw("referrals.csv", COLUMNS, List.of(
                List.of("S", "P", "2025-01-05", "S1"),     // P is S's referrer three steps up: a loop at the maximum depth (3)
                List.of("Y", "U", "2025-01-05", "Y1"),     // U is four steps up from Y: beyond the depth, accepted
                List.of("K", "L", "2025-01-05", "K1"))));  // K has no referrer: its walk ends at the first step
        programme.night("2025-01-10", Optional.empty(), Optional.of(typed));

        List<String> accepted = programme.last.acceptedReferrals().collectAsList().stream()
                .map(row -> row.<String>getAs("referrer_id") + ">" + row.<String>getAs("referred_id")).sorted().toList();
        assertEquals(List.of("K>L", "Y>U"), accepted);
        Map<String, List<String>> rejected = new TreeMap<>();
        for (Row row : programme.last.rejectedReferrals().collectAsList()) {
            rejected.put(row.<String>getAs("referral_code"), row.getList(row.fieldIndex("reason_codes")));
        }
        assertEquals(Map.of("S1", List.of("referral_loop")), rejected);
    }

    @Test
    void theReferrerEarnsTheBonusOnceTheFirstPurchaseClearsTheReturnWindow() {
        var programme = new Programme(CONFIG, List.of(buy("E1", "T2", "E", "2025-02-01", "P", "dairy", 1, "30.00")),
                LoyaltyFixtures.customers("D", null, "E", null));
        programme.referrals = spark().createDataFrame(List.of(RowFactory.create("E", "D", Date.valueOf("2025-01-05"), "D1", 15.0, "r0",
                Timestamp.valueOf("2025-01-05 00:00:00"))), Tables.REFERRALS.schema());
        programme.night("2025-02-10");
        assertEquals(0L, programme.ledger.where("customer_id = 'D'").count(), "E's purchase of 1 February is returnable until 11 February");
        List<Row> added = programme.night("2025-02-11");
        List<Row> bonus = added.stream().filter(row -> row.<String>getAs("rule").equals("referral_bonus")).toList();
        assertEquals(1, bonus.size());
        assertEquals("D", bonus.get(0).getAs("customer_id"));
        assertEquals(500L, bonus.get(0).<Long>getAs("points"));
        assertEquals(500L, programme.balance("D", "2025-02-11").<Long>getAs("available"));
        programme.night("2025-02-12");
        assertEquals(500L, programme.balance("D", "2025-02-12").<Long>getAs("available"), "the bonus is paid once");
    }

    @Test
    void noBonusWhenTheFirstPurchaseIsReturned() {
        var programme = new Programme(CONFIG, List.of(buy("E1", "T2", "E", "2025-02-01", "P", "dairy", 1, "30.00"),
                new LoyaltyFixtures.Line("E2", "T3", "E", "2025-02-03", "P", "dairy", -1, "-30.00", null)),
                LoyaltyFixtures.customers("D", null, "E", null));
        programme.referrals = spark().createDataFrame(List.of(RowFactory.create("E", "D", Date.valueOf("2025-01-05"), "D1", 15.0, "r0",
                Timestamp.valueOf("2025-01-05 00:00:00"))), Tables.REFERRALS.schema());
        programme.night("2025-02-20");
        assertEquals(0L, programme.ledger.where("customer_id = 'D'").count());
    }
}
