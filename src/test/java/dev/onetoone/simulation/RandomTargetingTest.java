package dev.onetoone.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class RandomTargetingTest extends SparkTestSupport {
    /** Offers: campaign a has 4 offers on 2025-12-31 and 2 on 2026-01-31, campaign b 3 on 2025-12-31. */
    private static Dataset<Row> offers() {
        List<List<String>> rows = new ArrayList<>();
        for (int index = 1; index <= 4; index++) {
            rows.add(List.of("2025-12-31", "a" + index, "c" + index, "a", "10"));
        }
        rows.add(List.of("2026-01-31", "a5", "c1", "a", "10"));
        rows.add(List.of("2026-01-31", "a6", "c2", "a", "10"));
        for (int index = 1; index <= 3; index++) {
            rows.add(List.of("2025-12-31", "b" + index, "c" + index, "b", "25"));
        }
        return strings(columns("as_of", "offer_id", "customer_id", "campaign_id", "discount_percent"), rows);
    }

    private static Dataset<Row> customers(int count) {
        List<List<String>> rows = new ArrayList<>();
        for (int index = 1; index <= count; index++) {
            rows.add(List.of("r" + index));
        }
        return strings(columns("customer_id"), rows);
    }

    @Test
    void everyOfferGoesToADistinctRandomCustomerOfItsCampaignAndDateWithItsTermsKept() {
        List<Row> dealt = RandomTargeting.reassign(offers(), customers(50), "salt").orderBy("offer_id").collectAsList();
        assertEquals(List.of("as_of", "offer_id", "customer_id", "campaign_id", "discount_percent"), List.of(dealt.get(0).schema().fieldNames()));
        assertEquals(9, dealt.size());
        Set<String> seen = new TreeSet<>();
        for (Row row : dealt) {
            String customer = row.getString(2);
            assertTrue(customer.startsWith("r"), "drawn from the customers given: " + customer);
            assertTrue(seen.add(row.getString(0) + "|" + row.getString(3) + "|" + customer), "one offer per customer, campaign and date: " + row);
            assertEquals(row.getString(1).startsWith("a") ? "10" : "25", row.getString(4), "terms kept");
        }
        List<Row> again = RandomTargeting.reassign(offers(), customers(50), "salt").orderBy("offer_id").collectAsList();
        assertEquals(dealt, again, "deterministic for a salt");
        List<Row> other = RandomTargeting.reassign(offers(), customers(50), "another salt").orderBy("offer_id").collectAsList();
        assertNotEquals(dealt, other, "another salt draws other customers");
    }

    @Test
    void aCampaignWithMoreOffersThanCustomersKeepsOnlyAsManyOffers() {
        // 3 customers: campaign a on 2025-12-31 keeps 3 of its 4 offers; the rest fit
        List<Row> dealt = RandomTargeting.reassign(offers(), customers(3), "salt").collectAsList();
        assertEquals(3 + 2 + 3, dealt.size());
    }
}
