package dev.onetoone.loyalty;

import static dev.onetoone.loyalty.LoyaltyFixtures.Line.buy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.loyalty.LoyaltyFixtures.Line;
import dev.onetoone.loyalty.LoyaltyFixtures.Programme;
import dev.onetoone.testing.SparkTestSupport;

/** The points ledger night by night on a few hand-written lines, with every expected number worked out by hand. */
class LedgerTest extends SparkTestSupport {
    private static final String BASE_ONLY = """
            earning.rules=base
            rule.base.type=base
            points.return-window-days=10
            points.expiry-days=60
            tier.levels=regular:0,silver:100
            tier.vip=silver
            """;

    private static long total(Dataset<Row> ledger, String customer, String bucket) {
        return ledger.where("customer_id = '" + customer + "' and bucket = '" + bucket + "'").collectAsList().stream()
                .mapToLong(row -> row.<Long>getAs("points")).sum();
    }

    @Test
    void pointsArePendingUntilTheReturnWindowClosesAndAReturnReversesItsShareOfTheLine() {
        // L1: 2 units of P for 20.00 -> 20 points; L2: 15.50 -> 15 points (rounded down). Both on 1 January.
        // R1 on 5 January returns 1 of the 2 units of P: half of L1's 20 points, 10, leave pending (window open).
        var programme = new Programme(LoyaltyConfig.parse(BASE_ONLY), List.of(
                buy("L1", "T1", "A", "2025-01-01", "P", "dairy", 2, "20.00"),
                buy("L2", "T1", "A", "2025-01-01", "Q", "dairy", 1, "15.50"),
                new Line("R1", "T2", "A", "2025-01-05", "P", "dairy", -1, "-10.00", null)), LoyaltyFixtures.customers("A", null));

        List<Row> first = programme.night("2025-01-05");
        assertEquals(35, LoyaltyFixtures.sum(first, Ledger.EARN, Ledger.PENDING));
        assertEquals(35, LoyaltyFixtures.sum(first, Ledger.EARN, Ledger.QUALIFYING));
        assertEquals(-10, LoyaltyFixtures.sum(first, Ledger.REVERSE, Ledger.PENDING));
        assertEquals(-10, LoyaltyFixtures.sum(first, Ledger.REVERSE, Ledger.QUALIFYING));
        Row balance = programme.balance("A", "2025-01-05");
        assertEquals(0L, balance.<Long>getAs("available"));
        assertEquals(25L, balance.<Long>getAs("pending"));
        assertEquals(25L, balance.<Long>getAs("qualifying"));

        // The window of 1 January closes on 11 January: 20 - 10 and 15 move from pending to available.
        assertEquals(0, programme.night("2025-01-10").size(), "nothing is due before the window closes");
        List<Row> release = programme.night("2025-01-11");
        assertEquals(-25, LoyaltyFixtures.sum(release, Ledger.HOLD_RELEASE, Ledger.PENDING));
        assertEquals(25, LoyaltyFixtures.sum(release, Ledger.HOLD_RELEASE, Ledger.AVAILABLE));
        balance = programme.balance("A", "2025-01-11");
        assertEquals(25L, balance.<Long>getAs("available"));
        assertEquals(0L, balance.<Long>getAs("pending"));
        assertEquals(35L, balance.<Long>getAs("lifetime_earned"));
    }

    /**
     * A line held twice by the transactions it reads (e.g. a table loaded by hand around ingest's deduplication) drafts
     * the same entries twice: the night keeps each entry id once, so 20.00 earns 20 points, not 40, and on the day its
     * window closes releases 20.
     */
    @Test
    void aLineReadTwiceEarnsOnce() {
        var programme = new Programme(LoyaltyConfig.parse(BASE_ONLY), List.of(
                buy("L1", "T1", "A", "2025-01-01", "P", "dairy", 2, "20.00"),
                buy("L1", "T1", "A", "2025-01-01", "P", "dairy", 2, "20.00")), LoyaltyFixtures.customers("A", null));
        List<Row> first = programme.night("2025-01-01");
        assertEquals(2, first.size(), "one pending and one qualifying entry: " + first);
        assertEquals(20, LoyaltyFixtures.sum(first, Ledger.EARN, Ledger.PENDING));
        assertEquals(20, LoyaltyFixtures.sum(first, Ledger.EARN, Ledger.QUALIFYING));
        assertEquals(20, LoyaltyFixtures.sum(programme.night("2025-01-11"), Ledger.HOLD_RELEASE, Ledger.AVAILABLE));
        assertEquals(20L, programme.balance("A", "2025-01-11").<Long>getAs("available"));
    }

    @Test
    void aReturnAfterTheWindowTakesItsPointsFromTheAvailableBalance() {
        var programme = new Programme(LoyaltyConfig.parse(BASE_ONLY), List.of(
                buy("L1", "T1", "A", "2025-01-01", "P", "dairy", 1, "40.00"),
                new Line("R1", "T2", "A", "2025-01-20", "P", "dairy", -1, "-40.00", null)), LoyaltyFixtures.customers("A", null));
        programme.night("2025-01-11");
        assertEquals(40L, programme.balance("A", "2025-01-11").<Long>getAs("available"));
        List<Row> returned = programme.night("2025-01-20");
        assertEquals(-40, LoyaltyFixtures.sum(returned, Ledger.REVERSE, Ledger.AVAILABLE));
        assertEquals(0L, programme.balance("A", "2025-01-20").<Long>getAs("available"));
    }

    @Test
    void everyBalanceIsTheSumOfItsLedgerEntriesAndARerunAddsNothing() {
        var programme = new Programme(LoyaltyConfig.parse(BASE_ONLY), List.of(
                buy("L1", "T1", "A", "2025-01-01", "P", "dairy", 3, "31.00"),
                buy("L2", "T2", "B", "2025-01-02", "Q", "bakery", 1, "12.99"),
                new Line("R1", "T3", "A", "2025-01-03", "P", "dairy", -1, "-10.33", null),
                buy("L3", "T4", "B", "2025-01-15", "Q", "bakery", 2, "25.98")), LoyaltyFixtures.customers("A", null, "B", null));
        programme.night("2025-01-03");
        programme.night("2025-01-20");
        long entries = programme.ledger.count();
        assertEquals(0, programme.night("2025-01-20").size(), "the same night again adds no entry");
        assertEquals(entries, programme.ledger.count());

        for (String customer : List.of("A", "B")) {
            Row balance = programme.balance(customer, "2025-01-20");
            assertEquals(total(programme.ledger, customer, Ledger.AVAILABLE), balance.<Long>getAs("available"));
            assertEquals(total(programme.ledger, customer, Ledger.PENDING), balance.<Long>getAs("pending"));
            assertEquals(total(programme.ledger, customer, Ledger.QUALIFYING), balance.<Long>getAs("qualifying"));
        }
        // By hand: A earned 31, returned a third (round(31/3) = 10), released 21 on 11 January.
        // B earned 12 (released 12 January) and 25 on 15 January (pending until 25 January).
        assertEquals(21L, programme.balance("A", "2025-01-20").<Long>getAs("available"));
        assertEquals(12L, programme.balance("B", "2025-01-20").<Long>getAs("available"));
        assertEquals(25L, programme.balance("B", "2025-01-20").<Long>getAs("pending"));
    }

    @Test
    void expiryUsesTheOldestPointsFirst() {
        String config = BASE_ONLY.replace("points.return-window-days=10", "points.return-window-days=0");
        // 100 points on 1 January and 50 on 20 January, 60 redeemed on 30 January; points live 60 days.
        var programme = new Programme(LoyaltyConfig.parse(config), List.of(
                buy("L1", "T1", "A", "2025-01-01", "P", "dairy", 1, "100.00"),
                buy("L2", "T2", "A", "2025-01-20", "P", "dairy", 1, "50.00")), LoyaltyFixtures.customers("A", null));
        Dataset<Row> redemptions = EventInputs.redemptions(LoyaltyFixtures.raw("redemptions.csv",
                List.of("redemption_id", "customer_id", "points", "redemption_date", "reward_id"),
                List.of(List.of("X1", "A", "60", "2025-01-30", "voucher"))));
        programme.night("2025-01-30", Optional.of(redemptions), Optional.empty());
        assertEquals(90L, programme.balance("A", "2025-01-30").<Long>getAs("available"));

        assertEquals(0, programme.night("2025-03-01").size(), "the first lot expires on 2 March");
        // The redemption used 60 of the first lot: its other 40 expire on 2 March, the second lot is untouched.
        List<Row> firstExpiry = programme.night("2025-03-02");
        assertEquals(-40, LoyaltyFixtures.sum(firstExpiry, Ledger.EXPIRE, Ledger.AVAILABLE));
        assertEquals(50L, programme.balance("A", "2025-03-02").<Long>getAs("available"));
        // The second lot expires on 21 March, all 50 of it.
        List<Row> secondExpiry = programme.night("2025-03-21");
        assertEquals(-50, LoyaltyFixtures.sum(secondExpiry, Ledger.EXPIRE, Ledger.AVAILABLE));
        Row balance = programme.balance("A", "2025-03-21");
        assertEquals(0L, balance.<Long>getAs("available"));
        assertEquals(90L, balance.<Long>getAs("lifetime_expired"));
        assertEquals(60L, balance.<Long>getAs("lifetime_redeemed"));
    }

    @Test
    void aRedemptionAboveTheAvailableBalanceIsQuarantinedAndNotApplied() {
        String config = BASE_ONLY.replace("points.return-window-days=10", "points.return-window-days=0");
        var programme = new Programme(LoyaltyConfig.parse(config), List.of(
                buy("L1", "T1", "A", "2025-01-01", "P", "dairy", 1, "100.00")), LoyaltyFixtures.customers("A", null, "B", null));
        Dataset<Row> typed = EventInputs.redemptions(LoyaltyFixtures.raw("redemptions.csv",
                List.of("redemption_id", "customer_id", "points", "redemption_date"),
                List.of(List.of("X1", "A", "80", "2025-01-02"), List.of("X2", "A", "30", "2025-01-03"),
                        List.of("X3", "B", "10", "2025-01-03"), List.of("X4", "A", "-5", "2025-01-03"))));
        List<Row> rowLevel = typed.where("size(reason_codes) > 0").collectAsList();
        assertEquals(1, rowLevel.size());
        assertEquals(List.of("bad_points"), rowLevel.get(0).getList(rowLevel.get(0).fieldIndex("reason_codes")));

        List<Row> added = programme.night("2025-01-03", Optional.of(typed.where(EventInputs.clean())), Optional.empty());
        // X1 fits in the 100 points; X1 + X2 = 110 does not; B has no points at all.
        assertEquals(-80, LoyaltyFixtures.sum(added, Ledger.REDEEM, Ledger.AVAILABLE));
        List<Row> rejected = programme.last.rejectedRedemptions().orderBy("redemption_id").collectAsList();
        assertEquals(List.of("X2", "X3"), rejected.stream().map(row -> row.<String>getAs("redemption_id")).toList());
        assertTrue(rejected.stream().allMatch(row -> row.getList(row.fieldIndex("reason_codes")).equals(List.of("over_balance"))));
        assertEquals(20L, programme.balance("A", "2025-01-03").<Long>getAs("available"));

        // The same file again the next night: X1 is not applied twice.
        programme.night("2025-01-04", Optional.of(typed.where(EventInputs.clean())), Optional.empty());
        assertEquals(20L, programme.balance("A", "2025-01-04").<Long>getAs("available"));
    }
}
