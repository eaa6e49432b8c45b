package dev.onetoone.results;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
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
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.generate.GeneratorConfig;
import dev.onetoone.generate.OfferResponseSimulator;
import dev.onetoone.generate.ResponseSummary;
import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.testing.SparkTestSupport;

/**
 * Offers → simulated purchases → measured lift, in memory. Campaign random sends 50% off the top category to
 * {@value #OFFERS} customers drawn by a hash, campaign targeted to the {@value #OFFERS} with the highest true
 * expected incremental margin (from a first simulation pass of every customer); each is half withheld. The campaigns run in consecutive two-week windows so no purchase
 * counts for both.
 */
class OfferResponseSimulationTest extends SparkTestSupport {
    private static final int CUSTOMERS = 4000;
    private static final int OFFERS = 1000;
    private static final LocalDate END = LocalDate.of(2025, 12, 31);
    private static final long SEED = 17;

    @TempDir
    static Path sample;

    private static final LocalDate TARGETED_AS_OF = END.plusDays(14);

    private static Dataset<Row> oracle;
    private static Dataset<Row> offers;
    private static Dataset<Row> outcomes;
    private static ResponseSummary truth;
    private static Map<String, OfferLift> lifts;

    @BeforeAll
    static void simulateAndMeasure() throws Exception {
        new SyntheticDataGenerator(GeneratorConfig.of(CUSTOMERS, LocalDate.of(2024, 1, 1), END, SEED)).generate(sample);
        var simulator = new OfferResponseSimulator(spark(), SEED);
        Dataset<Row> candidates = TestOffers.candidates(sample).persist(StorageLevel.MEMORY_AND_DISK());
        // the targeting oracle: every customer's true expected incremental margin of the targeted offer
        oracle = simulator.outcomes(TestOffers.offers(candidates, "targeted", TARGETED_AS_OF).withColumn("offer_group", lit("treatment")), sample)
                .select(col("offer_id"), col("true_expected_incremental_margin"))
                .orderBy(col("true_expected_incremental_margin").desc(), col("offer_id")).limit(OFFERS)
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> targeted = candidates.join(oracle, concat(lit("targeted-"), candidates.col("customer_id")).equalTo(oracle.col("offer_id")));
        offers = TestOffers.offers(TestOffers.random(candidates, OFFERS), "random", END)
                .unionByName(TestOffers.offers(targeted, "targeted", TARGETED_AS_OF))
                .persist(StorageLevel.MEMORY_AND_DISK());
        outcomes = simulator.outcomes(offers, sample).persist(StorageLevel.MEMORY_AND_DISK());
        truth = OfferResponseSimulator.summarise(outcomes);
        Dataset<Row> perOffer = OfferOutcomes.perOffer(offers, TestOffers.transactions(outcomes), TestOffers.products(sample));
        lifts = OfferOutcomes.lifts(OfferOutcomes.groupSums(perOffer).collectAsList()).stream()
                .collect(Collectors.toMap(OfferLift::campaignId, lift -> lift));
        candidates.unpersist();
    }

    @AfterAll
    static void release() {
        outcomes.unpersist();
        offers.unpersist();
        oracle.unpersist();
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
    void theSameSeedAndOfferIdDrawTheSameResponseWhateverTheGroup() {
        // the oracle pass simulated the chosen offers as treatment; the loop withheld half of them: the true
        // expected increments depend on the offer, the customer and the seed only
        double oracleTotal = oracle.agg(functions.sum("true_expected_incremental_margin")).first().getDouble(0);
        double loopTotal = trueIncrement("targeted") + truth.group("targeted", "control").orElseThrow().trueExpectedIncrementalMargin();
        assertEquals(oracleTotal, loopTotal, 1e-6 * Math.abs(oracleTotal));
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
