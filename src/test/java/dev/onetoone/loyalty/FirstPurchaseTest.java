package dev.onetoone.loyalty;

import static dev.onetoone.loyalty.LoyaltyFixtures.Line.buy;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lower;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.loyalty.LoyaltyFixtures.Line;
import dev.onetoone.loyalty.LoyaltyFixtures.Programme;
import dev.onetoone.testing.SparkTestSupport;

/**
 * The first-purchase bonus with the members' first purchase days from customer_state: it goes to a member's first paid
 * line ever, and the members who paid on an earlier day are not looked up.
 */
class FirstPurchaseTest extends SparkTestSupport {
    private static final String CONFIG = """
            earning.rules=base,welcome
            rule.base.type=base
            rule.welcome.type=first_purchase
            rule.welcome.points=100
            points.return-window-days=0
            tier.levels=regular:0,silver:100
            tier.vip=silver
            """;
    private static final LocalDate MARCH = LocalDate.parse("2025-03-01");
    /**
     * A's first line is a free sample (amount 0, a purchase day in customer_state with a spend of 0, but no purchase
     * for the programme), so A's first purchase is A1 in March. B paid in January, so B2 in March is not B's first. C
     * is new in March with two lines at the same time: the first by line id is C1.
     */
    private static final List<Line> LINES = List.of(
            buy("Z1", "T1", "A", "2025-01-01", "P1", "dairy", 1, "0.00"),
            buy("B1", "T2", "B", "2025-01-01", "P1", "dairy", 1, "10.00"),
            buy("A1", "T3", "A", "2025-03-01", "P2", "dairy", 1, "20.00"),
            buy("B2", "T4", "B", "2025-03-01", "P2", "dairy", 1, "5.00"),
            buy("C2", "T5", "C", "2025-03-01", "P1", "dairy", 1, "7.00"),
            buy("C1", "T5", "C", "2025-03-01", "P2", "dairy", 1, "3.00"));

    private static String lineId(String id) {
        return HexFormat.of().formatHex(id.getBytes(StandardCharsets.UTF_8));
    }

    /** Member to "points on line" of the night's first-purchase entries. */
    private static Map<String, String> welcomes(List<Row> entries) {
        Map<String, String> byMember = new TreeMap<>();
        for (Row row : entries) {
            if (row.<String>getAs("rule").equals("welcome")) {
                byMember.put(row.getAs("customer_id"), row.<Long>getAs("points") + " on " + row.getAs("source_id"));
            }
        }
        return byMember;
    }

    /** The path without the state is EarningRulesTest's (and the one below compares both paths' first lines). */
    @Test
    void theBonusGoesToTheFirstPaidLineWithTheFirstDaysFromTheState() {
        var programme = new Programme(LoyaltyConfig.parse(CONFIG), LINES, LoyaltyFixtures.customers("A", null, "B", null, "C", null));
        programme.firstPurchasesFromState = true;

        assertEquals(Map.of("B", "100 on " + lineId("B1")), welcomes(programme.night("2025-01-01")));
        assertEquals(Map.of("A", "100 on " + lineId("A1"), "C", "100 on " + lineId("C1")), welcomes(programme.night("2025-03-01")));
    }

    @Test
    void withTheStateTheMembersWhoPaidOnAnEarlierDayAreNotLookedUp() {
        Dataset<Row> transactions = LoyaltyFixtures.transactions(LINES);
        Dataset<Row> purchasesOf = transactions.withColumn("line_id", lower(hex(col("line_id"))))
                .where(col("is_return").equalTo(false).and(col("amount").gt(0)));
        Dataset<Row> tonight = purchasesOf.where(col("purchase_date").equalTo(java.sql.Date.valueOf(MARCH)));
        Dataset<Row> state = LoyaltyFixtures.state(transactions, MARCH);

        assertEquals(Map.of("A", lineId("A1"), "C", lineId("C1")), firstLines(LoyaltyNight.firstLines(tonight, purchasesOf, Optional.of(state))));
        assertEquals(Map.of("A", lineId("A1"), "B", lineId("B1"), "C", lineId("C1")),
                firstLines(LoyaltyNight.firstLines(tonight, purchasesOf, Optional.empty())));
        // A night of B's line alone: B paid in January, so nobody can be buying for the first time.
        assertEquals(Map.of(), firstLines(LoyaltyNight.firstLines(tonight.where(col("customer_id").equalTo("B")), purchasesOf, Optional.of(state))));
    }

    private static Map<String, String> firstLines(Dataset<Row> rows) {
        Map<String, String> byMember = new TreeMap<>();
        rows.collectAsList().forEach(row -> byMember.put(row.getString(0), row.getString(1)));
        return byMember;
    }
}
