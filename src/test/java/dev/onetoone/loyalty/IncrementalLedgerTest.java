package dev.onetoone.loyalty;

import static dev.onetoone.loyalty.LoyaltyFixtures.Line.buy;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.loyalty.LoyaltyFixtures.Line;
import dev.onetoone.loyalty.LoyaltyFixtures.Programme;
import dev.onetoone.testing.SparkTestSupport;

/**
 * Six consecutive nights of the loyalty step run twice from the same inputs, on in-memory tables updated as the
 * loyalty runner updates them: once as the nightly job runs them (after the first night, the ledger rows of the
 * members each night touches, balances folded from the previous night's and the tier review from them), once as a
 * rebuild every night (the whole ledger, every balance and tier summed from it). The ledger, the balances and the
 * tier history must be the same after every night. The nights hold an earn, a return inside the window, hold
 * releases of members without new lines, a late line, a redemption, first-in-first-out expiries of members without
 * new lines, a referral bonus, an enrolment, a tier downgrade at a review and qualifying points leaving the window.
 * Two nights (the late line's and the review's) are run again the way the nightly job reruns a night, from that
 * night's own balances: the rerun adds no entry and leaves the balances and tiers equal to the rebuild's. Each
 * arrival is ingested before its night starts, and the nightly way reads the late-arrival window's lines only of the
 * members with a line the previous night could not see; on two nights without new lines it reads only the members
 * with a release or an expiry due.
 */
class IncrementalLedgerTest extends SparkTestSupport {
    // Short windows so that six nights see every kind of entry: the return window closes 2 days after a purchase,
    // points expire 4 days after their purchase day, the tier window is 3 days, and 1 February is a review date.
    private static final LoyaltyConfig CONFIG = LoyaltyConfig.parse("""
            earning.rules=base
            rule.base.type=base
            points.return-window-days=2
            points.expiry-days=4
            points.late-arrival-days=7
            tier.levels=regular:0,silver:30
            tier.vip=silver
            tier.window-days=3
            tier.review-months=2
            tier.grace-days=0
            referral.referrer-points=50
            """);

    /**
     * The lines that reach transactions before each night. Two arrive late, on the 31st: a line of B dated 29 January,
     * and one of F dated 27 January, whose return window closed before the previous night and whose lot expires on the
     * night it is earned.
     */
    private static final Map<String, List<Line>> ARRIVING = Map.of(
            "2025-01-28", List.of(buy("L1", "T1", "A", "2025-01-28", "P", "dairy", 2, "40.00"),
                    buy("L2", "T1", "A", "2025-01-28", "Q", "dairy", 1, "10.00"),
                    buy("L3", "T2", "B", "2025-01-28", "Q", "dairy", 1, "20.00")),
            "2025-01-29", List.of(new Line("R1", "T3", "A", "2025-01-29", "P", "dairy", -1, "-20.00", null),
                    buy("L4", "T4", "C", "2025-01-29", "Q", "dairy", 1, "35.00")),
            "2025-01-31", List.of(buy("L5", "T5", "E", "2025-01-31", "P", "dairy", 1, "25.00"),
                    buy("L6", "T6", "B", "2025-01-29", "P", "dairy", 1, "15.00"),
                    buy("L7", "T7", "F", "2025-01-27", "Q", "dairy", 1, "12.00")));

    /**
     * Nights without new lines, and the members whose ledger rows they read, by hand. 30 January: A and B, whose 28
     * January earn entries leave the 2-day return window. 1 February: A and B, whose 28 January lots expire (4 days).
     * C, with a line of 29 January inside the 7-day late-arrival window, is not read on either night: that line was
     * there when the night of the 29th ran.
     */
    private static final Map<String, Long> TOUCHED = Map.of("2025-01-30", 2L, "2025-02-01", 2L);

    /** Nights run a second time, as a rerun of the nightly job. */
    private static final List<String> RERUN = List.of("2025-01-31", "2025-02-01");

    @Test
    void nightsReadingTheTouchedMembersAndFoldingBalancesEqualFullRebuilds() {
        Dataset<Row> customers = LoyaltyFixtures.customers("A", null, "B", null, "C", null, "D", null, "E", null, "F", null);
        var incremental = new Programme(CONFIG, List.of(), customers);
        var rebuilt = new Programme(CONFIG, List.of(), customers);
        Dataset<Row> referralRows = EventInputs.referrals(LoyaltyFixtures.raw("referrals.csv",
                List.of("referrer_id", "referred_id", "referral_date", "referral_code"), List.of(List.of("D", "E", "2025-01-30", "D1"))));
        Dataset<Row> redemptions = EventInputs.redemptions(LoyaltyFixtures.raw("redemptions.csv",
                List.of("redemption_id", "customer_id", "points", "redemption_date"), List.of(List.of("X1", "A", "15", "2025-01-31"))))
                .where(EventInputs.clean());

        LocalDate first = LocalDate.parse("2025-01-28");
        for (int night = 0; night < 6; night++) {
            String day = first.plusDays(night).toString();
            Optional<Dataset<Row>> referred = day.equals("2025-01-30") ? Optional.of(referralRows) : Optional.empty();
            Optional<Dataset<Row>> redeemed = day.equals("2025-01-31") ? Optional.of(redemptions) : Optional.empty();
            for (Programme programme : List.of(incremental, rebuilt)) {
                if (ARRIVING.containsKey(day)) {
                    // ingested an hour before the night starts
                    Timestamp ingested = Timestamp.valueOf(day + " 01:00:00");
                    programme.transactions = programme.transactions.unionByName(LoyaltyFixtures.transactions(ARRIVING.get(day), ingested));
                }
                programme.night(day, programme == incremental, redeemed, referred);
            }
            if (TOUCHED.containsKey(day)) {
                assertEquals(TOUCHED.get(day), incremental.last.membersTouched(), day + ": members whose ledger rows the night read");
            }
            if (RERUN.contains(day)) {
                assertEquals(List.of(), incremental.night(day, true, redeemed, referred), day + ": a rerun adds no entry");
            }
            assertEquals(rows(rebuilt.ledger), rows(incremental.ledger), day + ": points_ledger");
            assertEquals(rows(rebuilt.balances), rows(incremental.balances), day + ": points_balance");
            assertEquals(rows(rebuilt.memberTier), rows(incremental.memberTier), day + ": member_tier");
        }

        // By hand, on the last night (2 February):
        // A earned 40 + 10 on 28 January, returned half of L1 on the 29th (-20, pending), released 20 + 10 = 30 on the
        // 30th, redeemed 15 on the 31st; the 28 January lot expires on 1 February: 30 - 15 = 15 expire.
        Row a = balance(incremental, "A");
        assertEquals(List.of(0L, 0L, 50L, 15L, 15L), List.of(a.<Long>getAs("available"), a.<Long>getAs("pending"),
                a.<Long>getAs("lifetime_earned"), a.<Long>getAs("lifetime_redeemed"), a.<Long>getAs("lifetime_expired")),
                () -> "A's entries: " + rows(incremental.ledger.where(col("customer_id").equalTo("A")).drop("entry_id", "run_id", "created_at")));
        // B: 20 (28 January, released the 30th, expired 1 February) and the late 15 (29 January, earned and released
        // the 31st, expired 2 February), with no line of B on either expiry night.
        Row b = balance(incremental, "B");
        assertEquals(List.of(0L, 35L, 35L), List.of(b.<Long>getAs("available"), b.<Long>getAs("lifetime_earned"), b.<Long>getAs("lifetime_expired")),
                () -> "B's entries: " + rows(incremental.ledger.where(col("customer_id").equalTo("B")).drop("entry_id", "run_id", "created_at")));
        // E's first purchase (31 January, after the referral) clears its window on 2 February: D gets 50 points.
        assertEquals(50L, balance(incremental, "D").<Long>getAs("available"));
        assertEquals(25L, balance(incremental, "E").<Long>getAs("available"));
        // F's late line of 27 January is earned on the 31st, released the same night (its window closed on the 29th)
        // and, its lot being due on the 31st (27 + 4), expired that night too.
        Row f = balance(incremental, "F");
        assertEquals(List.of(0L, 0L, 12L, 12L), List.of(f.<Long>getAs("available"), f.<Long>getAs("pending"), f.<Long>getAs("lifetime_earned"),
                f.<Long>getAs("lifetime_expired")),
                () -> "F's entries: " + rows(incremental.ledger.where(col("customer_id").equalTo("F")).drop("entry_id", "run_id", "created_at")));
        // C qualified for silver with 35 points on 29 January; at the 1 February review the window (29 January,
        // 1 February] holds none, so C and A (silver from 28 January with 50) go down to regular that night.
        assertEquals(List.of("regular:2025-02-01:null:downgrade", "silver:2025-01-29:2025-01-31:enrolled"), periods(incremental, "C"));
        assertEquals(List.of("regular:2025-02-01:null:downgrade", "silver:2025-01-28:2025-01-31:enrolled"), periods(incremental, "A"));
        assertEquals(0L, balance(incremental, "C").<Long>getAs("qualifying"));
    }

    private static List<String> rows(Dataset<Row> rows) {
        return rows.collectAsList().stream().map(Row::toString).sorted().toList();
    }

    private static Row balance(Programme programme, String customer) {
        return programme.balances.where(col("customer_id").equalTo(customer)).first();
    }

    private static List<String> periods(Programme programme, String customer) {
        return programme.memberTier.where(col("customer_id").equalTo(customer)).collectAsList().stream()
                .map(row -> row.getAs("tier") + ":" + row.getAs("valid_from") + ":" + row.getAs("valid_to") + ":" + row.getAs("change"))
                .sorted().toList();
    }
}
