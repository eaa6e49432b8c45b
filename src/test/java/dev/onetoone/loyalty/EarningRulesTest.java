package dev.onetoone.loyalty;

import static dev.onetoone.loyalty.LoyaltyFixtures.Line.buy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import dev.onetoone.config.ConfigException;
import dev.onetoone.io.Tables;
import dev.onetoone.loyalty.LoyaltyFixtures.Line;
import dev.onetoone.loyalty.LoyaltyFixtures.Programme;
import dev.onetoone.testing.SparkTestSupport;

/** Each earning rule, their order and the caps, on hand-worked baskets. */
class EarningRulesTest extends SparkTestSupport {

    /** Redeemable points per rule among the entries. */
    private static Map<String, Long> byRule(List<Row> entries, String kind) {
        Map<String, Long> points = new TreeMap<>();
        for (Row row : entries) {
            if (row.<String>getAs("entry_type").equals(Ledger.EARN) && row.<String>getAs("points_kind").equals(kind)) {
                points.merge(row.getAs("rule"), row.<Long>getAs("points"), Long::sum);
            }
        }
        return points;
    }

    @Test
    void rulesRunInOrderAndTheCapsCutTheRulesListedLast() {
        var config = LoyaltyConfig.parse("""
                earning.rules=base,double_produce,welcome
                earning.cap-per-transaction=150
                earning.cap-per-day=155
                rule.base.type=base
                rule.double_produce.type=multiplier
                rule.double_produce.category.produce=2
                rule.welcome.type=first_purchase
                rule.welcome.points=100
                points.return-window-days=0
                tier.levels=regular:0,silver:100
                tier.vip=silver
                """);
        // Basket T1: base 40 + 30 = 70, produce doubled +40 = 110, welcome 100 cut to the 40 left under 150.
        // The day, in rule order: base 40 + 30 + 10 (basket T2) = 80, doubled +40 = 120, so the welcome's 40 is cut
        // to the 35 left under the day's cap of 155.
        var programme = new Programme(config, List.of(
                buy("L1", "T1", "A", "2025-01-03", "P1", "produce", 1, "40.00"),
                buy("L2", "T1", "A", "2025-01-03", "P2", "dairy", 1, "30.00"),
                buy("L3", "T2", "A", "2025-01-03", "P2", "dairy", 1, "10.00")), LoyaltyFixtures.customers("A", null));
        List<Row> entries = programme.night("2025-01-03");
        assertEquals(Map.of("base", 80L, "double_produce", 40L, "welcome", 35L), byRule(entries, EarningRule.REDEEMABLE));
        assertEquals(Map.of("base", 80L), byRule(entries, EarningRule.QUALIFYING), "qualifying points are not capped");
        assertEquals(155L, programme.balance("A", "2025-01-03").<Long>getAs("available"));
    }

    @Test
    void tierMultipliersBonusOffersAndBirthdaysEarnOnceEach() {
        var config = LoyaltyConfig.parse("""
                earning.rules=base,tiers,offers,birthday
                rule.base.type=base
                rule.tiers.type=tier_multiplier
                rule.tiers.tier.silver=1.5
                rule.offers.type=offer_bonus
                rule.birthday.type=birthday
                rule.birthday.points=200
                points.return-window-days=0
                tier.levels=regular:0,silver:100
                tier.vip=silver
                """);
        var programme = new Programme(config, List.of(
                new Line("B1", "T1", "B", "2025-03-02", "P1", "dairy", 1, "20.00", "O1"),
                new Line("B2", "T2", "B", "2025-03-05", "P1", "dairy", 1, "10.00", "O1")), LoyaltyFixtures.customers("B", "1985-03-20"));
        programme.memberTier = spark().createDataFrame(List.of(RowFactory.create("B", "silver", Date.valueOf("2025-01-01"), null, "upgrade", 150L, "r0")),
                Tables.MEMBER_TIER.schema());
        StructType offers = new StructType().add("offer_id", DataTypes.StringType).add("customer_id", DataTypes.StringType)
                .add("offer_form", DataTypes.StringType).add("bonus_points", DataTypes.LongType);
        programme.offers = spark().createDataFrame(List.of(RowFactory.create("O1", "B", "bonus_points", 250L),
                RowFactory.create("O2", "B", "percent_off", 0L)), offers);
        // Base 20 + 10; silver's 1.5 adds half of each, 10 + 5; offer O1 pays 250 once; March is B's birthday month: 200 once.
        programme.night("2025-03-02");
        List<Row> later = programme.night("2025-03-05");
        assertEquals(Map.of("base", 10L, "tiers", 5L), byRule(later, EarningRule.REDEEMABLE), "the offer and birthday bonuses are not paid again");
        assertEquals(495L, programme.balance("B", "2025-03-05").<Long>getAs("available"));
    }

    @Test
    void configurationErrorsNameTheKey() {
        String base = "tier.levels=regular:0,silver:100\ntier.vip=silver\n";
        assertMessage("rule.base.type", base + "earning.rules=base\nrule.base.type=bogus\n");
        assertMessage("rule.welcome.points", base + "earning.rules=welcome\nrule.welcome.type=first_purchase\n");
        assertMessage("rule.base.factor", base + "earning.rules=base\nrule.base.type=base\nrule.base.factor=2\n");
        assertMessage("rule.extra", base + "earning.rules=base\nrule.base.type=base\nrule.extra.type=base\n");
        assertMessage("earning.cap-per-day", base + "earning.rules=base\nrule.base.type=base\nearning.cap-per-day=-1\n");
        assertMessage("rule.tiers.tier.platinum", base + "earning.rules=tiers\nrule.tiers.type=tier_multiplier\nrule.tiers.tier.platinum=2\n");
        assertMessage("tier.vip", "tier.levels=regular:0,silver:100\ntier.vip=gold\n");
        assertMessage("points.expiry-dayz", base + "points.expiry-dayz=3\n");
        assertMessage("rule.bonus.type", base + "earning.rules=base,bonus\n");
    }

    private static void assertMessage(String key, String text) {
        var error = assertThrows(ConfigException.class, () -> LoyaltyConfig.parse(text));
        assertTrue(error.getMessage().contains(key), error.getMessage());
    }

    @Test
    void theShippedConfigurationIsValid() throws Exception {
        var config = LoyaltyConfig.load(java.nio.file.Path.of("conf/loyalty.properties"));
        assertEquals("vip", config.vipTier());
        assertEquals(6, config.rules().size());
    }
}
