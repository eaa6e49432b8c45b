package dev.onetoone.loyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/** The named inputs of a loyalty night: what is set is what the night reads, and a missing table is named. */
class LoyaltyInputsTest extends SparkTestSupport {

    @Test
    void eachSetterFillsItsOwnInputAndTheOptionalOnesStayEmptyUnlessSet() {
        Dataset<Row> transactions = spark().range(1).toDF("a");
        Dataset<Row> ledger = spark().range(2).toDF("b");
        Dataset<Row> tiers = spark().range(3).toDF("c");
        Dataset<Row> customers = spark().range(4).toDF("d");
        Dataset<Row> offers = spark().range(5).toDF("e");
        Dataset<Row> referrals = spark().range(6).toDF("f");
        var inputs = LoyaltyNight.Inputs.builder().transactions(transactions).ledger(ledger).memberTier(tiers).customers(customers)
                .offers(offers).referrals(referrals).previousNight(Optional.of(LocalDate.parse("2025-12-30"))).build();
        assertSame(transactions, inputs.transactions());
        assertSame(ledger, inputs.ledger());
        assertSame(tiers, inputs.memberTier());
        assertSame(customers, inputs.customers());
        assertSame(offers, inputs.offers());
        assertSame(referrals, inputs.referrals());
        assertEquals(Optional.of(LocalDate.parse("2025-12-30")), inputs.previousNight());
        assertTrue(inputs.redemptions().isEmpty() && inputs.referralRows().isEmpty() && inputs.previousStartedAt().isEmpty()
                && inputs.firstPurchases().isEmpty());
    }

    @Test
    void theFirstPurchasesKeepOnlyTheThreeColumnsTheBonusReads() {
        Dataset<Row> state = spark().sql("select 'C1' customer_id, date'2025-01-02' first_purchase_date, 3.5 first_day_spend, 7 orders");
        Dataset<Row> any = spark().range(1).toDF();
        var inputs = LoyaltyNight.Inputs.builder().transactions(any).ledger(any).memberTier(any).customers(any).offers(any).referrals(any)
                .firstPurchases(state).build();
        assertEquals(List.of("customer_id", "first_purchase_date", "first_day_spend"), List.of(inputs.firstPurchases().get().columns()));
    }

    @Test
    void aMissingTableIsNamed() {
        Dataset<Row> any = spark().range(1).toDF();
        var error = assertThrows(IllegalStateException.class,
                () -> LoyaltyNight.Inputs.builder().transactions(any).memberTier(any).customers(any).offers(any).referrals(any).build());
        assertEquals("LoyaltyNight.Inputs: ledger is not set", error.getMessage());
    }
}
