package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.SampleNight;

/**
 * One night on the shipped sample (2,500 customers, as of 2025-12-31; {@link SampleNight}) with tight budgets and a
 * strong response, then every constraint of the offers checked by SQL over the written tables.
 */
class OffersNightIT extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.of(2025, 12, 31);

    static Warehouse warehouse;

    private static long scalar(String sql) {
        Row row = spark().sql(sql).first();
        return row.isNullAt(0) ? 0 : ((Number) row.get(0)).longValue();
    }

    @BeforeAll
    static void nightWithOffers() {
        warehouse = SampleNight.warehouse();
        warehouse.readAsOf(Tables.OFFERS, AS_OF).createOrReplaceTempView("offers");
        warehouse.readAsOf(Tables.BUDGET_SHADOW_PRICES, AS_OF).createOrReplaceTempView("budget_shadow_prices");
        warehouse.read(Tables.CUSTOMERS).createOrReplaceTempView("customers");
        warehouse.read(Tables.PRODUCTS).createOrReplaceTempView("products");
        warehouse.read(Tables.RUN_LOG).createOrReplaceTempView("run_log");
    }

    @Test
    void everyCampaignTypeProducesOffersAndTheRunLogSaysSo() {
        assertEquals(6, scalar("select count(distinct campaign_id) from offers"), "five types, two VIP campaigns");
        assertTrue(scalar("select count(*) from offers where offer_group = 'treatment'") > 50);
        assertEquals(0, scalar("select count(*) from run_log where stage = 'offers' and status not like 'succeeded%'"));
        assertEquals(scalar("select count(*) from offers"),
                scalar("select rows_out from run_log where stage = 'offers' order by ended_at desc limit 1"));
        // every candidate (customer and campaign) is dropped by one rule, withheld, not drawn, or sent
        assertEquals(2500 * 6, scalar("select details['candidates'] from run_log where stage = 'offers' order by ended_at desc limit 1"),
                "every modelled customer is a candidate of the six campaigns");
        assertEquals(0, scalar("""
                select details['candidates'] - details['dropped_eligibility'] - details['dropped_consent'] - details['dropped_contact_limit']
                  - details['dropped_margin_floor'] - details['dropped_no_incremental_margin'] - details['dropped_below_contact_cost']
                  - details['dropped_budget'] - details['explore_not_drawn'] - details['withheld_control'] - details['withheld_holdout']
                  - details['sent']
                from run_log where stage = 'offers' order by ended_at desc limit 1
                """));
        assertEquals(scalar("select count(*) from offers where offer_group in ('treatment', 'explore')"),
                scalar("select details['sent'] from run_log where stage = 'offers' order by ended_at desc limit 1"));
    }

    @Test
    void budgetsAreNeverExceededAndTheTightOnesBind() {
        assertEquals(0, scalar("""
                select count(*) from budget_shadow_prices b
                left join (select campaign_id, sum(expected_cost + contact_cost) as spend from offers where offer_group in ('treatment', 'explore') group by campaign_id) s
                  on s.campaign_id = b.budget
                where coalesce(s.spend, 0) > b.budget_amount + 1e-9
                   or (b.budget = 'global' and (select sum(expected_cost + contact_cost) from offers where offer_group in ('treatment', 'explore')) > b.budget_amount + 1e-9)
                """));
        assertEquals(0, scalar("select count(*) from offers where offer_group in ('control', 'holdout') and channel is not null"));
        assertTrue(scalar("select count(*) from budget_shadow_prices where binding and shadow_price > 0") >= 1);
        assertEquals(0, scalar("select count(*) from budget_shadow_prices where isnan(shadow_price) or isnan(expected_spend) or shadow_price < 0"));
    }

    @Test
    void discountsLeaveTheMarginFloorAndPay() {
        assertEquals(0, scalar("""
                select count(*) from offers o join products p on p.product_id = o.target_product_id
                where o.offer_form = 'percent_off' and o.offer_group <> 'explore' and p.unit_cost is not null
                  and (p.price - p.unit_cost - p.price * o.discount_percent / 100) < 0.1 * p.price * (1 - o.discount_percent / 100) - 1e-9
                """));
        assertTrue(scalar("select count(*) from offers where target_kind = 'product'") > 0, "product campaigns ran");
        assertEquals(0, scalar("select count(*) from offers where offer_group <> 'explore' and expected_incremental_margin <= 0"));
        // every offer, explore included, pays for its contact: the target on the sample night
        assertEquals(0, scalar("select count(*) from offers where net_expected_margin <= 0 or expected_incremental_margin <= contact_cost + fatigue_cost"));
        assertEquals(0, scalar("""
                select count(*) from offers where isnan(p_purchase_with_offer) or isnan(p_purchase_without_offer)
                  or isnan(expected_incremental_margin) or isnan(expected_cost) or isnan(assignment_probability)
                  or abs(expected_incremental_margin) = double('infinity') or p_purchase_with_offer < p_purchase_without_offer
                """));
    }

    @Test
    void contactPolicyHolds() {
        assertEquals(0, scalar("select count(*) from (select customer_id from offers where offer_group in ('treatment', 'explore') group by customer_id having count(*) > 2)"));
        assertEquals(0, scalar("select count(*) from (select customer_id, campaign_id from offers group by 1, 2 having count(*) > 1)"));
        assertEquals(0, scalar("""
                select count(*) from offers o join customers c using (customer_id)
                where o.offer_group in ('treatment', 'explore')
                  and (c.opt_out or not c.is_known or o.channel is null
                       or (o.channel = 'email' and not c.consent_email) or (o.channel = 'sms' and not c.consent_sms)
                       or (o.channel = 'push' and not c.consent_push))
                """));
        assertEquals(0, scalar("select count(*) from offers where customer_id in ('C0000010', 'C0000011', 'C0000012')"));
        assertEquals(0, scalar("select count(*) from offers o left anti join customers c using (customer_id)"));
    }

    @Test
    void groupsAreExclusivePerCustomerAndCarryTheirProbabilities() {
        assertEquals(0, scalar("""
                select count(*) from (select customer_id from offers
                  group by customer_id
                  having count(distinct case when offer_group in ('treatment', 'control') then 'regular' else offer_group end) > 1)
                """));
        assertEquals(0, scalar("""
                select count(*) from offers where not (
                  (offer_group = 'holdout' and abs(assignment_probability - 0.05) < 1e-12)
                  or (offer_group in ('treatment', 'control') and abs(assignment_probability - 0.93 * 0.5) < 1e-12)
                  or (offer_group = 'explore' and assignment_probability > 0 and assignment_probability <= 0.02))
                """));
        long holdout = scalar("select count(distinct customer_id) from offers where offer_group = 'holdout'");
        long all = scalar("select count(distinct customer_id) from offers");
        // share of the customers with a row, binomial with p = 0.05 (allowing for explore customers without options)
        assertTrue(Math.abs(holdout - 0.05 * all) < 4 * Math.sqrt(all * 0.05 * 0.95) + 2, holdout + " of " + all);
        assertEquals(scalar("select count(distinct offer_id) from offers"), scalar("select count(*) from offers"));
    }

    @Test
    void perChannelExportsHoldTheOffersSent() {
        String directory = OffersRunner.exportDirectory(warehouse, AS_OF);
        var exported = spark().read().option("header", "true").csv(directory);
        assertEquals(scalar("select count(*) from offers where offer_group in ('treatment', 'explore')"), exported.count());
        List<String> channels = exported.select("channel").distinct().orderBy("channel").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(scalar("select count(distinct channel) from offers where channel is not null"), channels.size());
        assertTrue(Files.isDirectory(Path.of(directory, "channel=" + channels.get(0))));
    }
}
