package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.config.ConfigLoader;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.loyalty.LoyaltyConfig;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;

/** The loyalty step of the shared nightly run on the shipped sample, and a rerun of it. */
class LoyaltyIT extends SparkTestSupport {

    @Test
    void theNightlyRunKeepsTheLedgerBalancesTiersAndMetricsOfTheSample() {
        Warehouse warehouse = SampleNight.warehouse();
        Row logged = warehouse.read(Tables.RUN_LOG).where(col("stage").equalTo(LoyaltyRunner.STAGE)).first();
        assertEquals("succeeded", logged.getAs("status"), String.valueOf(logged.<String>getAs("message")));

        // Every balance is the sum of its ledger entries.
        Dataset<Row> sums = warehouse.read(Tables.POINTS_LEDGER).where(col("entry_date").leq(java.sql.Date.valueOf(SampleNight.AS_OF)))
                .groupBy("customer_id").agg(sum(when(col("bucket").equalTo("available"), col("points")).otherwise(0L)).as("ledger_available"),
                        sum(when(col("bucket").equalTo("pending"), col("points")).otherwise(0L)).as("ledger_pending"));
        Dataset<Row> balances = warehouse.read(Tables.POINTS_BALANCE);
        long members = balances.count();
        assertTrue(members > 2000, members + " members");
        assertEquals(0, balances.join(sums, "customer_id").where(col("available").notEqual(col("ledger_available"))
                .or(col("pending").notEqual(col("ledger_pending")))).count());
        assertEquals(members, balances.join(sums, "customer_id").count());

        // The two 1,000,000-point redemptions and the four broken referrals of the sample are quarantined.
        Map<String, Long> reasons = new TreeMap<>();
        for (Row row : warehouse.read(Tables.QUARANTINE).where(col("source_kind").isin("redemptions", "referrals"))
                .groupBy("source_kind", "reasons").count().collectAsList()) {
            reasons.put(row.getString(0) + ":" + row.getString(1), row.getLong(2));
        }
        assertEquals(Map.of("redemptions:over_balance", 2L, "referrals:self_referral,duplicate_referral", 1L,
                "referrals:duplicate_referral", 1L, "referrals:referred_already_customer", 2L), reasons);
        long redemptions = warehouse.read(Tables.POINTS_LEDGER).where(col("entry_type").equalTo("redeem")).count();
        assertEquals(126, redemptions, "every other redemption of the sample fits its member's balance");

        // Tiers: one current row per member; customer_model carries them for the offers.
        assertEquals(members, warehouse.read(Tables.MEMBER_TIER).where(col("valid_to").isNull()).count());
        assertEquals(warehouse.readAsOf(Tables.CUSTOMER_MODEL, SampleNight.AS_OF).count(),
                warehouse.readAsOf(Tables.CUSTOMER_MODEL, SampleNight.AS_OF).where(col("loyalty_tier").isNotNull()).count());
        // Written by the model stage, after loyalty: every row's columns are the member's balance and tier of the night.
        String vip = LoyaltyConfig.load(ConfigLoader.resolveFile(SampleNight.context().config().loyaltyFile())).vipTier();
        Dataset<Row> modelled = warehouse.readAsOf(Tables.CUSTOMER_MODEL, SampleNight.AS_OF).join(balances, "customer_id");
        assertEquals(warehouse.readAsOf(Tables.CUSTOMER_MODEL, SampleNight.AS_OF).count(), modelled.count());
        assertEquals(0, modelled.where(col("loyalty_tier").notEqual(col("tier")).or(col("points_available").notEqual(col("available")))
                .or(col("loyalty_vip").notEqual(col("tier").equalTo(vip)))).count());
        assertTrue(modelled.where(col("loyalty_vip")).count() > 0, "the sample has VIP members");
        Row metrics = warehouse.readAsOf(Tables.LOYALTY_METRICS, SampleNight.AS_OF).first();
        assertEquals(members, metrics.<Long>getAs("members"));
        double breakage = metrics.getAs("breakage_rate");
        assertTrue(breakage > 0 && breakage < 1, "breakage " + breakage);
        assertEquals(metrics.<Long>getAs("points_outstanding") * 0.01, metrics.<Double>getAs("liability_gross"), 1e-6);
    }

    @Test
    void rerunningTheNightAddsNoLedgerEntryAndKeepsTheBalances() {
        var context = SampleNight.context();
        Warehouse warehouse = context.warehouse();
        long entries = warehouse.read(Tables.POINTS_LEDGER).count();
        List<Row> before = warehouse.read(Tables.POINTS_BALANCE).drop("as_of").orderBy("customer_id").collectAsList();
        long quarantined = warehouse.read(Tables.QUARANTINE).count();
        List<Row> tiers = warehouse.read(Tables.MEMBER_TIER).drop("run_id").orderBy("customer_id", "valid_from").collectAsList();
        List<Row> modelColumns = loyaltyColumns(warehouse);
        StageResult result = new LoyaltyRunner(context, new RunLog(context)).run(SampleNight.AS_OF, Optional.of(SampleNight.SAMPLE));
        assertEquals(0, result.rowsOut());
        // The loyalty command on its own fills the rows the model stage wrote, with the same values.
        assertEquals((long) modelColumns.size(), result.details().get("customer_model_rows"));
        assertEquals(modelColumns, loyaltyColumns(warehouse));
        // from the night's own balances: only the members a rerun can touch are read, and the balances are folded
        assertEquals(0L, result.details().get("ledger_read_whole"), result.details().toString());
        assertEquals(1L, result.details().get("balances_folded"), result.details().toString());
        // the night's rfm stage left customer_state folded through the night: the first purchases come from it
        assertEquals(1L, result.details().get("first_purchases_from_state"), result.details().toString());
        assertEquals(tiers, warehouse.read(Tables.MEMBER_TIER).drop("run_id").orderBy("customer_id", "valid_from").collectAsList());
        assertEquals(entries, warehouse.read(Tables.POINTS_LEDGER).count());
        assertEquals(quarantined, warehouse.read(Tables.QUARANTINE).count());
        assertEquals(before, warehouse.read(Tables.POINTS_BALANCE).drop("as_of").orderBy("customer_id").collectAsList());
    }

    private static List<Row> loyaltyColumns(Warehouse warehouse) {
        return warehouse.readAsOf(Tables.CUSTOMER_MODEL, SampleNight.AS_OF)
                .select("customer_id", "loyalty_tier", "loyalty_vip", "points_available").orderBy("customer_id").collectAsList();
    }
}
