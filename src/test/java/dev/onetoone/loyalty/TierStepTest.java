package dev.onetoone.loyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import dev.onetoone.io.Tables;
import dev.onetoone.testing.SparkTestSupport;

/**
 * Tier reviews on hand-written qualifying entries: silver from 100 points and gold from 300 in a 180-day window,
 * reviews on 1 January, 30 days' grace.
 */
class TierStepTest extends SparkTestSupport {
    private static final LoyaltyConfig CONFIG = LoyaltyConfig.parse("""
            earning.rules=base
            rule.base.type=base
            tier.levels=regular:0,silver:100,gold:300
            tier.vip=gold
            tier.window-days=180
            tier.review-months=1
            tier.grace-days=30
            """);

    private final List<Row> ledger = new ArrayList<>();
    private final Map<String, Row> history = new LinkedHashMap<>();

    private void qualify(String customer, String day, long points) {
        ledger.add(RowFactory.create(customer + day, customer, Ledger.EARN, EarningRule.QUALIFYING, Ledger.QUALIFYING, points,
                Date.valueOf(day), customer + day, Date.valueOf(day), null, "base", "r", LoyaltyFixtures.NOW));
    }

    /** Reviews a night and applies its rows like the MERGE of the runner (replace by customer and valid_from). */
    private void review(String day) {
        Dataset<Row> entries = spark().createDataFrame(ledger, Tables.POINTS_LEDGER.schema());
        Dataset<Row> tiers = spark().createDataFrame(new ArrayList<>(history.values()), Tables.MEMBER_TIER.schema());
        for (Row row : new TierStep(CONFIG).review(entries, tiers, LocalDate.parse(day), "r").collectAsList()) {
            history.put(row.<String>getAs("customer_id") + row.getAs("valid_from"), RowFactory.create(row.getAs("customer_id"), row.getAs("tier"),
                    row.getAs("valid_from"), row.getAs("valid_to"), row.getAs("change"), row.getAs("qualifying_points"), row.getAs("run_id")));
        }
    }

    /** The member's periods as tier:valid_from:valid_to:change. */
    private List<String> periods(String customer) {
        return history.values().stream().filter(row -> row.getString(0).equals(customer))
                .map(row -> row.getString(1) + ":" + row.get(2) + ":" + row.get(3) + ":" + row.getString(4)).sorted().toList();
    }

    @Test
    void anUpgradeAppliesTheNightItIsEarned() {
        qualify("A", "2024-03-01", 150);
        review("2024-03-01");
        qualify("A", "2024-06-01", 200);
        review("2024-06-01");
        assertEquals(List.of("gold:2024-06-01:null:upgrade", "silver:2024-03-01:2024-05-31:enrolled"), periods("A"));
    }

    @Test
    void aDowngradeWaitsForTheReviewDateAndTheGracePeriodAndIsCancelledByRequalifying() {
        // Both gold from 350 points in June 2024. By 1 January 2025 the 180-day window (5 July to 1 January) holds
        // nothing: both qualify for regular at the review, so a downgrade is due on 31 January (1 January + 30 days).
        qualify("A", "2024-06-01", 350);
        qualify("B", "2024-06-01", 350);
        review("2024-06-01");
        review("2024-12-15");
        assertEquals(List.of("gold:2024-06-01:null:enrolled"), periods("A"), "no downgrade between reviews, though A qualifies for regular");
        review("2025-01-01");
        review("2025-01-30");
        assertEquals(List.of("gold:2024-06-01:null:enrolled"), periods("A"), "no downgrade inside the grace period");
        // B earns 320 qualifying points in the grace period and keeps gold; A drops to what A qualifies for then.
        qualify("B", "2025-01-20", 320);
        review("2025-01-31");
        assertEquals(List.of("gold:2024-06-01:2025-01-30:enrolled", "regular:2025-01-31:null:downgrade"), periods("A"));
        assertEquals(List.of("gold:2024-06-01:null:enrolled"), periods("B"));
        review("2025-02-01");
        assertEquals(2, periods("A").size(), "the downgrade happens once");
    }

    @Test
    void aDowngradeLandsOnTheTierStillQualifiedFor() {
        qualify("C", "2024-06-01", 350);
        review("2024-06-01");
        qualify("C", "2025-01-10", 150);
        review("2025-01-31");
        assertEquals(List.of("gold:2024-06-01:2025-01-30:enrolled", "silver:2025-01-31:null:downgrade"), periods("C"));
    }
}
