package dev.onetoone.simulation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.generate.GeneratorConfig;
import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.results.OfferLift;
import dev.onetoone.results.OfferOutcomes;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.TestOffers;

/**
 * Offers → simulated purchases → measured lift, in memory. Every customer of a generated population gets 50% off
 * their top category for two weeks, half of them withheld by a hash; one simulation pass draws every row's response.
 * Two campaigns of {@value #OFFERS} rows are then measured from those rows: random, rows drawn by a hash of the
 * customer, and targeted, the rows with the highest true expected incremental margin (an engine with perfect
 * information). Each row's response depends only on its own offer, so the two selections do not interfere.
 */
class OfferResponseSimulationTest extends SparkTestSupport {
    private static final int CUSTOMERS = 4000;
    private static final int OFFERS = 1000;
    private static final LocalDate AS_OF = LocalDate.of(2025, 12, 31);
    private static final long SEED = 17;

    @TempDir
    static Path sample;

    private static Dataset<Row> offers;
    private static Dataset<Row> outcomes;
    private static ResponseSummary truth;
    private static Map<String, OfferLift> lifts;

    @BeforeAll
    static void simulateAndMeasure() throws Exception {
        new SyntheticDataGenerator(GeneratorConfig.of(CUSTOMERS, LocalDate.of(2024, 1, 1), AS_OF, SEED)).generate(sample);
        offers = TestOffers.offers(TestOffers.candidates(sample), "everyone", AS_OF).persist(StorageLevel.MEMORY_AND_DISK());
        outcomes = new OfferResponseSimulator(spark(), SEED).outcomes(offers, sample).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> targeted = outcomes.orderBy(col("true_expected_incremental_margin").desc(), col("offer_id")).limit(OFFERS)
                .select(col("offer_id"), lit("targeted").as("campaign"));
        Dataset<Row> random = TestOffers.random(offers, OFFERS).select(col("offer_id"), lit("random").as("campaign"));
        Dataset<Row> campaigns = targeted.unionByName(random);

        truth = OfferResponseSimulator.summarise(outcomes.join(campaigns, "offer_id").withColumn("campaign_id", col("campaign")));
        Dataset<Row> perOffer = OfferOutcomes.perOffer(offers, TestOffers.transactions(outcomes), TestOffers.products(sample))
                .join(campaigns, "offer_id").withColumn("campaign_id", col("campaign"));
        lifts = OfferOutcomes.lifts(OfferOutcomes.groupSums(perOffer).collectAsList()).stream()
                .collect(Collectors.toMap(OfferLift::campaignId, lift -> lift));
    }

    @AfterAll
    static void release() {
        outcomes.unpersist();
        offers.unpersist();
    }

    private static double trueIncrement(String campaign) {
        return truth.group(campaign, "treatment").orElseThrow().trueExpectedIncrementalMargin();
    }

    @Test
    void theMeasuredIncrementalMarginOfEachCampaignCoversTheSimulatedTruth() {
        for (String campaign : List.of("random", "targeted")) {
            OfferLift lift = lifts.get(campaign);
            double expected = trueIncrement(campaign);
            assertTrue(lift.marginCiLow() <= expected && expected <= lift.marginCiHigh(),
                    campaign + ": true " + expected + " outside [" + lift.marginCiLow() + ", " + lift.marginCiHigh() + "], measured " + lift.incrementalMargin());
        }
    }

    @Test
    void targetedOffersEarnMoreMeasuredIncrementalMarginThanTheSameNumberToRandomCustomers() {
        assertTrue(trueIncrement("targeted") > trueIncrement("random"));
        assertTrue(lifts.get("targeted").incrementalMargin() > lifts.get("random").incrementalMargin(),
                "targeted " + lifts.get("targeted") + " random " + lifts.get("random"));
    }

    @Test
    void everyTreatedPurchaseRedeemsItsOfferAndWithheldPurchasesRedeemNothing() {
        for (String campaign : List.of("random", "targeted")) {
            var treatment = truth.group(campaign, "treatment").orElseThrow();
            var control = truth.group(campaign, "control").orElseThrow();
            assertEquals(OFFERS, treatment.offers() + control.offers());
            assertTrue(Math.abs(treatment.offers() - control.offers()) < 0.2 * OFFERS, "the hash splits about evenly");
            assertEquals(treatment.offers(), lifts.get(campaign).offersSent());
            assertEquals(control.offers(), lifts.get(campaign).controlRows());
            assertEquals(treatment.purchases(), lifts.get(campaign).redemptions());
            assertTrue(treatment.purchases() > 0 && control.purchases() > 0);
        }
    }

    @Test
    void purchasesFollowTheProbabilitiesTheyWereDrawnWith() {
        // binomial sums: purchases within 4 standard deviations of the expected count
        for (var group : truth.groups()) {
            double sd = Math.sqrt(group.expectedPurchases());
            assertEquals(group.expectedPurchases(), group.purchases(), 4 * sd + 1, group.toString());
        }
    }

    @Test
    void theSameSeedSimulatesTheSameResponses() throws Exception {
        // a tenth of the offers, to keep the rerun short
        Dataset<Row> some = offers.where("pmod(xxhash64(offer_id), 10) = 0");
        Dataset<Row> again = new OfferResponseSimulator(spark(), SEED).outcomes(some, sample);
        Dataset<Row> before = outcomes.join(some.select("offer_id"), "offer_id");
        // row by row (sums over rows may add in another order)
        String[] columns = {"offer_id", "p_purchase_without_offer", "p_purchase_with_offer", "purchased", "basket_margin", "discount", "lines"};
        List<Row> first = before.selectExpr(columns).orderBy("offer_id").collectAsList();
        assertEquals(first, again.selectExpr(columns).orderBy("offer_id").collectAsList());
        assertTrue(first.size() > 10, "rows compared: " + first.size());
    }

    @Test
    void redeemedLinesAreDiscountedAndConsistent() {
        Dataset<Row> lines = outcomes.selectExpr("explode(lines) as line").select("line.*");
        long inconsistent = lines.where("cast(amount as decimal(18,2)) != cast(quantity as decimal(18,4)) * cast(unit_price as decimal(18,2)) - cast(discount as decimal(18,2))").count();
        assertEquals(0, inconsistent, "amount = quantity x unit_price - discount on every line");
        long discountedWithoutOffer = lines.where("cast(discount as double) > 0 and offer_id = ''").count();
        assertEquals(0, discountedWithoutOffer);
        // the discount percent of the target line's price, rounded to the cent
        long wrongDiscount = lines.where("offer_id != '' and abs(cast(discount as double) - round(cast(unit_price as double) * "
                + TestOffers.DISCOUNT_PERCENT / 100 + ", 2)) > 0.006").count();
        assertEquals(0, wrongDiscount);
    }
}
