package dev.onetoone.offers;

import static dev.onetoone.offers.OfferFixtures.AS_OF;
import static dev.onetoone.offers.OfferFixtures.affinity;
import static dev.onetoone.offers.OfferFixtures.customer;
import static dev.onetoone.offers.OfferFixtures.emailCustomer;
import static dev.onetoone.offers.OfferFixtures.inputs;
import static dev.onetoone.offers.OfferFixtures.model;
import static dev.onetoone.offers.OfferFixtures.product;
import static dev.onetoone.offers.OfferFixtures.sentOffer;
import static dev.onetoone.offers.OfferFixtures.settings;
import static dev.onetoone.offers.OfferFixtures.suppressed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/** The offers stage on tiny hand-built inputs. */
class OfferSelectionTest extends SparkTestSupport {
    private static final String SECOND_ORDER = """
            campaign.second.type=second_order
            campaign.second.offer-form=percent_off
            campaign.second.target=basket
            campaign.second.discount-steps=5,10,15,20
            campaign.second.validity-days=10
            campaign.second.channels=email,push,sms
            campaign.second.budget=1000
            """;

    private static final String TWO_CAMPAIGNS = SECOND_ORDER + """
            campaign.vip.type=vip
            campaign.vip.offer-form=recognition
            campaign.vip.target=basket
            campaign.vip.channels=email,push
            campaign.vip.priority=10
            campaign.vip.budget=1
            campaign.vip.eligibility.min-clv-quantile=0
            """;

    /**
     * A one-time buyer past their expected window, price sensitive and unsure to come back: qualifies for the
     * second-order campaign, and 10% off pays (see the worked example).
     */
    private static Row oneTimeBuyer(String id, Object... overrides) {
        List<Object> all = new ArrayList<>(List.of("repeat_purchase_days", 0, "overdue_ratio", 1.5, "p_alive", 0.4, "price_sensitivity", 1.0));
        all.addAll(List.of(overrides));
        return model(id, all.toArray());
    }

    /** A percent-off campaign on one product, steps 5 to 20 %, budget 1000. */
    private static String productCampaign(String id, String type) {
        return """
                campaign.%1$s.type=%2$s
                campaign.%1$s.offer-form=percent_off
                campaign.%1$s.target=product
                campaign.%1$s.discount-steps=5,10,15,20
                campaign.%1$s.budget=1000
                """.formatted(id, type);
    }

    private static List<Row> run(OfferSettings settings, OfferInputs inputs) {
        return new OfferSelection(AS_OF, settings, "test-run").run(inputs).offers().orderBy("customer_id", "campaign_id").collectAsList();
    }

    @Test
    void discountDepthMaximisesExpectedIncrementalMarginWorkedOutByHand() {
        // p_without = 0.4 x (1 - exp(-0.1 x 10)) x 1 = 0.252848224; basket value 40, margin 0.3 (model.margin),
        // logit shift = 8 x 1.0 x d. Incremental margin p_with x (12 - 40 d) - p_without x 12 by step, computed apart:
        // 5%: 0.3207, 10%: 0.4026, 15%: 0.1404, 20%: -0.5288, so 10% is the best.
        List<Row> offers = run(settings(SECOND_ORDER), inputs(List.of(oneTimeBuyer("c1", "p_alive", 0.4, "price_sensitivity", 1.0)),
                List.of(emailCustomer("c1")), List.of(), null, List.of(), null));
        assertEquals(1, offers.size());
        Row offer = offers.get(0);
        assertEquals(10.0, offer.<Double>getAs("discount_percent"));
        assertEquals(0.25284822353142306, offer.<Double>getAs("p_purchase_without_offer"), 1e-12);
        assertEquals(0.42960107372898887, offer.<Double>getAs("p_purchase_with_offer"), 1e-12);
        assertEquals(0.40262990745483407, offer.<Double>getAs("expected_incremental_margin"), 1e-12);
        assertEquals(1.7184042949159555, offer.<Double>getAs("expected_cost"), 1e-12);
        assertEquals("treatment", offer.getAs("offer_group"));
        assertEquals("email", offer.getAs("channel"));
        assertEquals(List.of("first_purchase_not_returned", "beyond_expected_window"), offer.getList(offer.fieldIndex("reason_codes")));
        assertEquals(java.sql.Date.valueOf(AS_OF.plusDays(1)), offer.getAs("valid_from"));
        assertEquals(java.sql.Date.valueOf(AS_OF.plusDays(10)), offer.getAs("valid_to"));
    }

    @Test
    void aCampaignWithALearnedResponseIsPricedWithItInsteadOfTheAssumedOne() {
        // the worked example above, with a learned response of uplift 0.2 and half the assumed shift (elasticity 4):
        // logit shift = 0.2 + 0.5 x 8 x 1.0 x d. Incremental margin p_with x (12 - 40 d) - p_without x 12 by step,
        // computed apart: 5%: 0.3207 (p_with 0.335485), 10%: 0.0173, 15%: -0.4566, 20%: -1.1176, so 5% is the best.
        var learned = new LearnedResponse("second", 5000, 900L, 2500, 2500, true,
                java.util.Map.of(ResponseLearner.INTERCEPT, -1.0, ResponseLearner.SENT, 0.2, ResponseLearner.SENT_X_ASSUMED_SHIFT, 0.5), 8.0,
                4.0, 0.5, 1000, 0.4, 0.5, 0.7, 0.6, true, true, LearnedResponse.LEARNED);
        OfferSettings assumed = settings(SECOND_ORDER);
        var settings = new OfferSettings(assumed.offers(), assumed.defaultMargin(), assumed.campaigns(), java.util.Map.of("second", learned));
        List<Row> offers = run(settings, inputs(List.of(oneTimeBuyer("c1", "p_alive", 0.4, "price_sensitivity", 1.0)),
                List.of(emailCustomer("c1")), List.of(), null, List.of(), null));
        assertEquals(1, offers.size());
        Row offer = offers.get(0);
        assertEquals(5.0, offer.<Double>getAs("discount_percent"));
        assertEquals(0.25284822353142306, offer.<Double>getAs("p_purchase_without_offer"), 1e-12);
        assertEquals(0.3354852811465272, offer.<Double>getAs("p_purchase_with_offer"), 1e-12);
        assertEquals(0.3206741290881956, offer.<Double>getAs("expected_incremental_margin"), 1e-12);
    }

    @Test
    void aCustomerWhoBuysAnywayGetsNoDiscount() {
        // p_without = 0.99 x (1 - exp(-1 x 10)) = 0.98996: every discount step loses margin; the same customer
        // with P(alive) 0.4 (p_without 0.2528) gets 10% off, as in the worked example
        List<Row> offers = run(settings(SECOND_ORDER), inputs(
                List.of(oneTimeBuyer("sure", "p_alive", 0.99, "purchase_rate_per_week", 7.0, "price_sensitivity", 1.0),
                        oneTimeBuyer("unsure", "p_alive", 0.4, "price_sensitivity", 1.0)),
                List.of(emailCustomer("sure"), emailCustomer("unsure")), List.of(), null, List.of(), null));
        assertEquals(List.of("unsure"), offers.stream().map(r -> r.<String>getAs("customer_id")).toList());
    }

    @Test
    void aCustomerWhoIgnoresDiscountsGetsNoDiscount() {
        List<Row> offers = run(settings(SECOND_ORDER), inputs(List.of(oneTimeBuyer("flat", "p_alive", 0.4, "price_sensitivity", 0.0)),
                List.of(emailCustomer("flat")), List.of(), null, List.of(), null));
        assertEquals(List.of(), offers);
    }

    @Test
    void noDiscountTakesTheMarginBelowTheFloor() {
        // p_without = 0.3 x (1 - exp(-0.1 / 7 x 10)) x 0.4 = 0.01597; product margin (10 - 7) / 10 = 0.3. With
        // elasticity 20 the incremental margins by step are 0.058, 0.166, 0.321, 0.422: 20% would pay most.
        // Floor 0.15: 15% leaves 0.15 / 0.85 = 0.176, 20% leaves 0.10 / 0.80 = 0.125, so 15% is the deepest allowed.
        String replenishment = productCampaign("refill", "replenishment");
        var inputs = inputs(List.of(model("r1", "overdue_ratio", 2.0, "price_sensitivity", 1.0, "purchase_rate_per_week", 0.1, "p_alive", 0.3)),
                List.of(emailCustomer("r1")), List.of(product("P1", "coffee", 10.0, 7.0)),
                List.of(affinity("r1", "P1", "coffee", 1, 0.4, true, AS_OF.plusDays(1))), List.of(), null);
        List<Row> floored = run(settings(replenishment, "offers.response-elasticity", "20", "offers.margin-floor", "0.15"), inputs);
        assertEquals(1, floored.size());
        assertEquals(15.0, floored.get(0).<Double>getAs("discount_percent"));
        assertEquals("P1", floored.get(0).getAs("target_product_id"));
        assertEquals(List.of("overdue_on_rhythm", "repeat_product_due"), floored.get(0).getList(floored.get(0).fieldIndex("reason_codes")));
        List<Row> unfloored = run(settings(replenishment, "offers.response-elasticity", "20", "offers.margin-floor", "0"), inputs);
        assertEquals(20.0, unfloored.get(0).<Double>getAs("discount_percent"));
        List<Row> categoryFloor = run(settings(replenishment + "margin-floor.category.coffee=0.2\n", "offers.response-elasticity", "20",
                "offers.margin-floor", "0.15"), inputs);
        // the category's floor 0.2: 10% leaves 0.20 / 0.90 = 0.222, 15% leaves 0.176
        assertEquals(10.0, categoryFloor.get(0).<Double>getAs("discount_percent"));
    }

    @Test
    void crossSellTakesTheBestNewProductByNewRankEvenBelowTheTopK() {
        String crossSell = productCampaign("cross", "cross_sell") + "campaign.cross.eligibility.max-rank=1\n";
        var models = new ArrayList<Row>();
        var customers = new ArrayList<Row>();
        for (String id : List.of("below", "inside", "second_only", "before_new_rank")) {
            models.add(model(id, "overdue_ratio", 2.0, "price_sensitivity", 1.0, "purchase_rate_per_week", 0.1, "p_alive", 0.3));
            customers.add(emailCustomer(id));
        }
        var products = List.of(product("R", "tea", 10.0, 7.0), product("N1", "coffee", 10.0, 7.0), product("N2", "coffee", 10.0, 7.0));
        var affinity = List.of(
                // a top k of repeats; the best new product kept below it (rank 25, new_rank 1)
                affinity("below", "R", "tea", 1, null, 0.9, true, AS_OF.plusDays(30)),
                affinity("below", "N2", "coffee", 30, 2, 0.3, false, null),
                affinity("below", "N1", "coffee", 25, 1, 0.4, false, null),
                // a new product inside the top k
                affinity("inside", "R", "tea", 1, null, 0.9, true, AS_OF.plusDays(30)),
                affinity("inside", "N2", "coffee", 2, 1, 0.4, false, null),
                // only a second-best new product: above max-rank 1
                affinity("second_only", "N1", "coffee", 26, 2, 0.4, false, null),
                // a row written before new_rank existed: its rank counts
                affinity("before_new_rank", "N2", "coffee", 1, null, 0.4, false, null));
        List<Row> offers = run(settings(crossSell, "offers.response-elasticity", "20", "offers.margin-floor", "0"),
                inputs(models, customers, products, affinity, List.of(), null));
        Map<String, String> targets = new TreeMap<>();
        for (Row offer : offers) {
            targets.put(offer.getAs("customer_id"), offer.getAs("target_product_id"));
        }
        assertEquals(Map.of("below", "N1", "inside", "N2", "before_new_rank", "N2"), targets);
    }

    @Test
    void contactPolicyConsentOptOutSuppressionCapAndCooldown() {
        var customers = List.of(
                customer("no_consent", false, false, false, false, true),
                customer("opted_out", true, true, true, true, true),
                customer("unknown", true, true, true, false, false),
                emailCustomer("suppressed"),
                emailCustomer("capped"),
                emailCustomer("cooling"),
                emailCustomer("one_slot"),
                customer("sms_only", false, true, false, false, true),
                customer("app_user", true, false, true, false, true),
                emailCustomer("fresh"));
        var models = new ArrayList<Row>();
        for (Row c : customers) {
            String id = c.getString(0);
            models.add(oneTimeBuyer(id, "preferred_channel", id.equals("app_user") ? "app" : "web"));
        }
        var earlier = List.of(
                sentOffer("capped", "other", AS_OF.minusDays(20)), sentOffer("capped", "other2", AS_OF.minusDays(12)),
                sentOffer("cooling", "other", AS_OF.minusDays(3)),
                sentOffer("one_slot", "other", AS_OF.minusDays(10)),
                sentOffer("fresh", "other", AS_OF.minusDays(40)));
        List<Row> offers = run(settings(TWO_CAMPAIGNS, "offers.max-contacts", "2", "offers.contact-window-days", "30", "offers.cooldown-days", "7"),
                inputs(models, customers, List.of(), null, earlier, suppressed("suppressed")));
        Map<String, List<String>> byCustomer = new TreeMap<>();
        for (Row offer : offers) {
            byCustomer.computeIfAbsent(offer.getString(offer.fieldIndex("customer_id")), k -> new ArrayList<>())
                    .add(offer.getAs("campaign_id") + ":" + offer.getAs("channel"));
        }
        // vip (priority 10) comes before second (priority 100); sms_only has no channel of the vip campaign
        assertEquals(Map.of(
                "app_user", List.of("second:push", "vip:push"),
                "fresh", List.of("second:email", "vip:email"),
                "one_slot", List.of("vip:email"),
                "sms_only", List.of("second:sms")), byCustomer);
    }

    @Test
    void aCampaignIsNotRepeatedWithinItsRepeatDays() {
        var customers = List.of(emailCustomer("again"), emailCustomer("later"));
        var models = List.of(oneTimeBuyer("again"), oneTimeBuyer("later"));
        var earlier = List.of(sentOffer("again", "second", AS_OF.minusDays(20)), sentOffer("later", "second", AS_OF.minusDays(31)));
        List<Row> offers = run(settings(SECOND_ORDER + "campaign.second.repeat-after-days=30\n", "offers.cooldown-days", "0"),
                inputs(models, customers, List.of(), null, earlier, null));
        assertEquals(List.of("later"), offers.stream().map(r -> r.<String>getAs("customer_id")).toList());
    }

    @Test
    void controlAndHoldoutRowsAreWrittenWithoutChannelAndWithTheirProbabilities() {
        var customers = new ArrayList<Row>();
        var models = new ArrayList<Row>();
        for (int i = 0; i < 400; i++) {
            customers.add(emailCustomer("c" + i));
            models.add(oneTimeBuyer("c" + i));
        }
        List<Row> offers = run(settings(SECOND_ORDER, "offers.holdout-share", "0.1", "offers.control-share", "0.5", "offers.explore-share", "0.05"),
                inputs(models, customers, List.of(), null, List.of(), null));
        Map<String, Integer> groups = new TreeMap<>();
        for (Row offer : offers) {
            String group = offer.getAs("offer_group");
            groups.merge(group, 1, Integer::sum);
            double probability = offer.getAs("assignment_probability");
            switch (group) {
                case "holdout" -> assertEquals(0.1, probability, 1e-12);
                case "control", "treatment" -> assertEquals(0.85 * 0.5, probability, 1e-12);
                // one campaign with four steps, all within the floor; 5, 10 and 15% earn 0.3207, 0.4026 and 0.1404
                // (the worked example), above the e-mail cost 0.02, 20% loses 0.5288: a uniform pick of three
                case "explore" -> assertEquals(0.05 / 3, probability, 1e-12);
                default -> throw new AssertionError(group);
            }
            boolean sent = group.equals("treatment") || group.equals("explore");
            assertEquals(sent, offer.getAs("channel") != null, group);
        }
        assertEquals(400, offers.size(), "every customer has a row in exactly one group");
        // 400 customers: holdout ~ 40, explore ~ 20, control and treatment ~ 170 each (4 standard deviations)
        assertTrue(Math.abs(groups.get("holdout") - 40) < 4 * Math.sqrt(400 * 0.1 * 0.9), groups.toString());
        assertTrue(Math.abs(groups.get("control") - 170) < 4 * Math.sqrt(400 * 0.425 * 0.575), groups.toString());
    }

    @Test
    void campaignAndGlobalBudgetsAreNeverExceeded() {
        var customers = new ArrayList<Row>();
        var models = new ArrayList<Row>();
        for (int i = 0; i < 300; i++) {
            customers.add(emailCustomer("b" + i));
            // spread of values and sensitivities so that the budget has to choose
            models.add(oneTimeBuyer("b" + i, "expected_spend_per_purchase", 20.0 + i % 37, "price_sensitivity", 0.6 + (i % 11) / 20.0,
                    "p_alive", 0.2 + (i % 5) / 10.0));
        }
        String campaigns = SECOND_ORDER.replace("budget=1000", "budget=15") + """
                campaign.basket.type=second_order
                campaign.basket.offer-form=amount_off
                campaign.basket.discount-steps=1,2,3
                campaign.basket.budget=1000
                """;
        var result = new OfferSelection(AS_OF, settings(campaigns, "offers.global-budget", "25", "offers.control-share", "0.3",
                "offers.explore-share", "0.05"), "test-run")
                .run(inputs(models, customers, List.of(), null, List.of(), null));
        Map<String, Double> spend = new TreeMap<>();
        // the budgets count the expected discount cost and the contact cost
        for (Row row : result.offers().where("offer_group in ('treatment', 'explore')").selectExpr("campaign_id", "expected_cost + contact_cost as spend")
                .groupBy("campaign_id").sum("spend").collectAsList()) {
            spend.put(row.getString(0), row.getDouble(1));
        }
        Map<String, Row> prices = new TreeMap<>();
        for (Row row : result.shadowPrices().collectAsList()) {
            prices.put(row.getString(1), row);
        }
        double second = spend.getOrDefault("second", 0.0);
        double total = second + spend.getOrDefault("basket", 0.0);
        assertTrue(second <= 15.0, spend + " " + prices);
        assertTrue(total <= 25.0, spend + " " + prices);
        assertTrue(total > 20.0, "the global budget binds and is nearly used: " + spend + " " + prices);
        assertEquals(spend.get("second"), prices.get("second").<Double>getAs("expected_spend"), 1e-9);
        assertTrue(prices.get("global").<Boolean>getAs("binding"), prices.toString());
        assertTrue(prices.get("global").<Double>getAs("shadow_price") > 0, prices.toString());
    }

    @Test
    void anOfferIsSentOnlyWhenItsExpectedMarginIsAboveItsContactCost() {
        // the worked example's best step (10% off) earns 0.40262990745483407: an e-mail costing 0.40 leaves 0.00263,
        // one costing 0.41 leaves nothing at any step (the other steps earn less), so no offer
        var inputs = inputs(List.of(oneTimeBuyer("c1")), List.of(emailCustomer("c1")), List.of(), null, List.of(), null);
        var above = new OfferSelection(AS_OF, settings(SECOND_ORDER, "offers.contact-cost.email", "0.40"), "test-run").run(inputs);
        List<Row> sent = above.offers().collectAsList();
        assertEquals(1, sent.size());
        assertEquals(10.0, sent.get(0).<Double>getAs("discount_percent"));
        assertEquals(0.40, sent.get(0).<Double>getAs("contact_cost"), 1e-12);
        assertEquals(0.0, sent.get(0).<Double>getAs("fatigue_cost"), 1e-12);
        assertEquals(0.40262990745483407 - 0.40, sent.get(0).<Double>getAs("net_expected_margin"), 1e-12);
        // the contact cost is spent from the budget with the expected discount cost 1.7184042949159555
        Row second = above.shadowPrices().where("budget = 'second'").first();
        assertEquals(1.7184042949159555 + 0.40, second.<Double>getAs("expected_spend"), 1e-12);

        var below = new OfferSelection(AS_OF, settings(SECOND_ORDER, "offers.contact-cost.email", "0.41"), "test-run").run(inputs);
        assertEquals(0, below.offers().count());
        assertEquals(1L, below.details().get(OfferSelection.DROPPED_BELOW_CONTACT_COST));
        // the floor offers.min-net-margin works the same way: 0.02 e-mail + 0.39 floor stops it too
        var floored = new OfferSelection(AS_OF, settings(SECOND_ORDER, "offers.min-net-margin", "0.39"), "test-run").run(inputs);
        assertEquals(0, floored.offers().count());
    }

    @Test
    void eachEarlierContactInTheWindowAddsFatigueToTheNextOne() {
        // two campaigns with the worked example's 10% (0.4026 each); first placed is "early" (priority 10). E-mail
        // 0.02, fatigue 0.3 per earlier contact in the 30-day window, today's included:
        // fresh: early 0.4026 - 0.02 = 0.3826, then second 0.4026 - 0.02 - 0.3 = 0.0826: both sent;
        // once (sent 10 days ago): early 0.0826 (fatigue 0.3), second would pay 0.6 and lose 0.2174: not sent;
        // long_ago (sent 40 days ago, outside the window): as fresh.
        String campaigns = SECOND_ORDER.replace("discount-steps=5,10,15,20", "discount-steps=10") + """
                campaign.early.type=second_order
                campaign.early.offer-form=percent_off
                campaign.early.discount-steps=10
                campaign.early.validity-days=10
                campaign.early.channels=email
                campaign.early.priority=10
                campaign.early.budget=1000
                """;
        var customers = List.of(emailCustomer("fresh"), emailCustomer("once"), emailCustomer("long_ago"));
        var models = List.of(oneTimeBuyer("fresh"), oneTimeBuyer("once"), oneTimeBuyer("long_ago"));
        var earlier = List.of(sentOffer("once", "other", AS_OF.minusDays(10)), sentOffer("long_ago", "other", AS_OF.minusDays(40)));
        var result = new OfferSelection(AS_OF, settings(campaigns, "offers.fatigue-cost", "0.3", "offers.max-contacts", "3",
                "offers.cooldown-days", "0"), "test-run").run(inputs(models, customers, List.of(), null, earlier, null));
        Map<String, Double> fatigue = new TreeMap<>();
        Map<String, Double> net = new TreeMap<>();
        for (Row offer : result.offers().collectAsList()) {
            String key = offer.getAs("customer_id") + ":" + offer.getAs("campaign_id");
            fatigue.put(key, offer.getAs("fatigue_cost"));
            net.put(key, offer.getAs("net_expected_margin"));
        }
        assertEquals(Map.of("fresh:early", 0.0, "fresh:second", 0.3, "long_ago:early", 0.0, "long_ago:second", 0.3, "once:early", 0.3), fatigue);
        assertEquals(0.40262990745483407 - 0.02 - 0.3, net.get("once:early"), 1e-12);
        assertEquals(0.40262990745483407 - 0.02 - 0.3, net.get("fresh:second"), 1e-12);
        assertEquals(0.40262990745483407 - 0.02, net.get("fresh:early"), 1e-12);
        assertEquals(1L, result.details().get(OfferSelection.DROPPED_BELOW_CONTACT_COST));
    }

    @Test
    void underABudgetTheAllocatorPrefersTheHigherMarginNetOfContactCost() {
        // the same customer twice, with the worked example's 10% (0.4026 gross, expected discount cost 1.7184): by
        // e-mail (0.02) it nets 0.3826 and spends 1.7384, by SMS (0.3) it nets 0.1026 and spends 2.0184. The budget
        // 2.5 pays for one: the e-mail one, which the SMS one's higher cost and lower net value both argue for.
        String campaigns = SECOND_ORDER.replace("discount-steps=5,10,15,20", "discount-steps=10").replace("budget=1000", "budget=2.5");
        var customers = List.of(emailCustomer("by_email"), customer("by_sms", false, true, false, false, true));
        var models = List.of(oneTimeBuyer("by_email"), oneTimeBuyer("by_sms"));
        var result = new OfferSelection(AS_OF, settings(campaigns, "offers.contact-cost.sms", "0.3"), "test-run")
                .run(inputs(models, customers, List.of(), null, List.of(), null));
        List<Row> sent = result.offers().collectAsList();
        assertEquals(List.of("by_email"), sent.stream().map(r -> r.<String>getAs("customer_id")).toList());
        assertEquals(0.40262990745483407 - 0.02, sent.get(0).<Double>getAs("net_expected_margin"), 1e-12);
        assertEquals(1L, result.details().get(OfferSelection.DROPPED_BUDGET));
        Row budget = result.shadowPrices().where("budget = 'second'").first();
        assertTrue(budget.<Boolean>getAs("binding"), budget.toString());
        assertEquals(1.7184042949159555 + 0.02, budget.<Double>getAs("expected_spend"), 1e-12);
    }

    @Test
    void theRunLogCountsWhatEachRuleDroppedAndTheyAddUpToTheCandidates() {
        // 6 customers x 2 campaigns = 12 candidates. "big" takes 50 off a basket of 40: never within the margin floor.
        // repeat: a repeat buyer, eligible for neither (2 eligibility); no_consent: 2 consent; cooling: sent 3 days
        // ago, in cool-down (2 contact limit); flat: ignores discounts (second: no incremental margin; big: floor);
        // sms_only: SMS at 0.5 costs more than the 0.4026 it earns (second: below contact cost; big: floor);
        // good: second sent at 10% by e-mail, netting 0.4026 - 0.02 = 0.3826 (big: floor).
        String campaigns = SECOND_ORDER + """
                campaign.big.type=second_order
                campaign.big.offer-form=amount_off
                campaign.big.discount-steps=50
                campaign.big.budget=1000
                """;
        var customers = List.of(emailCustomer("repeat"), customer("no_consent", false, false, false, false, true), emailCustomer("cooling"),
                emailCustomer("flat"), customer("sms_only", false, true, false, false, true), emailCustomer("good"));
        var models = List.of(model("repeat"), oneTimeBuyer("no_consent"), oneTimeBuyer("cooling"), oneTimeBuyer("flat", "price_sensitivity", 0.0),
                oneTimeBuyer("sms_only"), oneTimeBuyer("good"));
        var result = new OfferSelection(AS_OF, settings(campaigns, "offers.contact-cost.sms", "0.5"), "test-run")
                .run(inputs(models, customers, List.of(), null, List.of(sentOffer("cooling", "other", AS_OF.minusDays(3))), null));
        Map<String, Long> details = result.details();
        assertEquals(12L, details.get(OfferSelection.CANDIDATES));
        assertEquals(2L, details.get(OfferSelection.DROPPED_ELIGIBILITY));
        assertEquals(2L, details.get(OfferSelection.DROPPED_CONSENT));
        assertEquals(2L, details.get(OfferSelection.DROPPED_CONTACT_LIMIT));
        assertEquals(3L, details.get(OfferSelection.DROPPED_MARGIN_FLOOR));
        assertEquals(1L, details.get(OfferSelection.DROPPED_NO_INCREMENTAL_MARGIN));
        assertEquals(1L, details.get(OfferSelection.DROPPED_BELOW_CONTACT_COST));
        assertEquals(0L, details.get(OfferSelection.DROPPED_BUDGET));
        assertEquals(1L, details.get(OfferSelection.SENT));
        assertEquals(38L, details.get("sent_net_expected_margin_cents"));
        assertEquals(2L, details.get("sent_contact_cost_cents"));
        long accounted = 0;
        for (String key : List.of(OfferSelection.DROPPED_ELIGIBILITY, OfferSelection.DROPPED_CONSENT, OfferSelection.DROPPED_CONTACT_LIMIT,
                OfferSelection.DROPPED_MARGIN_FLOOR, OfferSelection.DROPPED_NO_INCREMENTAL_MARGIN, OfferSelection.DROPPED_BELOW_CONTACT_COST,
                OfferSelection.DROPPED_BUDGET, OfferSelection.EXPLORE_NOT_DRAWN, OfferSelection.WITHHELD_CONTROL, OfferSelection.WITHHELD_HOLDOUT,
                OfferSelection.SENT)) {
            accounted += details.get(key);
        }
        assertEquals(12L, accounted);
        assertEquals(List.of("good:second"), result.offers().collectAsList().stream()
                .map(r -> r.getAs("customer_id") + ":" + r.getAs("campaign_id")).toList());
    }
}
