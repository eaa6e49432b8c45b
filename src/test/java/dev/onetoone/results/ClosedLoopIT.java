package dev.onetoone.results;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.generate.OfferResponseSimulator;
import dev.onetoone.generate.ResponseSummary;
import dev.onetoone.io.Tables;
import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.OfferResultsRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The whole loop on the shipped sample: the nightly run decides offers ({@link SampleNight}); the same offers, with
 * the same terms and groups (so the same budget), are also given to customers drawn at random; the simulated
 * customers respond to each set from their true behaviour; the responses are ingested and {@code offer-results}
 * measures each set against its own control group.
 */
class ClosedLoopIT extends SparkTestSupport {
    private static final LocalDate AS_OF = SampleNight.AS_OF;

    @TempDir
    static Path work;

    private static Row targeted;
    private static Row random;
    private static ResponseSummary targetedTruth;
    private static ResponseSummary randomTruth;

    @BeforeAll
    static void runBothArms() throws Exception {
        Dataset<Row> engine = SampleNight.warehouse().readAsOf(Tables.OFFERS, AS_OF)
                .where(col("offer_group").isin("treatment", "control", "holdout"));
        Dataset<Row> drawn = engine.join(randomCustomers(engine), "offer_id").drop("customer_id")
                .withColumnRenamed("random_customer_id", "customer_id")
                .withColumn("offer_id", concat(lit("R"), col("offer_id")));
        targetedTruth = simulate("targeted", engine);
        randomTruth = simulate("random", drawn);
        targeted = measure("targeted");
        random = measure("random");
    }

    /**
     * offer_id to a customer drawn at random for it: within each campaign, distinct customers in a seeded shuffle of
     * all customers (a test-sized list of 2,500 ids).
     */
    private static Dataset<Row> randomCustomers(Dataset<Row> offers) {
        List<String> customers = new ArrayList<>(SampleNight.warehouse().read(Tables.CUSTOMERS).select("customer_id")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        Collections.sort(customers);
        Map<String, List<String>> shuffled = new HashMap<>();
        Map<String, Integer> used = new HashMap<>();
        List<Row> pairs = new ArrayList<>();
        for (Row offer : offers.select("offer_id", "campaign_id").orderBy("offer_id").collectAsList()) {
            String campaign = offer.getString(1);
            List<String> order = shuffled.computeIfAbsent(campaign, c -> {
                List<String> copy = new ArrayList<>(customers);
                Collections.shuffle(copy, new Random(c.hashCode()));
                return copy;
            });
            int next = used.merge(campaign, 1, Integer::sum) - 1;
            pairs.add(RowFactory.create(offer.getString(0), order.get(next % order.size())));
        }
        return spark().createDataFrame(pairs, new StructType().add("offer_id", DataTypes.StringType).add("random_customer_id", DataTypes.StringType));
    }

    private static RunContext arm(String name) {
        return WarehouseFixture.context(work.resolve(name).resolve("warehouse"), Map.of());
    }

    private static ResponseSummary simulate(String name, Dataset<Row> offers) throws Exception {
        RunContext context = arm(name);
        context.warehouse().overwriteAsOf(Tables.OFFERS, offers, AS_OF);
        Path sample = Path.of(SampleNight.SAMPLE);
        ResponseSummary summary = new OfferResponseSimulator(spark(), 11).simulate(context.warehouse().readAsOf(Tables.OFFERS, AS_OF),
                sample, work.resolve(name).resolve("responses"));
        new IngestRunner(context, new RunLog(context)).ingest(new IngestRequest(
                Optional.of(work.resolve(name).resolve("responses/transactions.csv").toString()), Optional.empty(),
                Optional.of(sample.resolve("products.csv").toString())), null, LocalDate.of(2026, 3, 1));
        return summary;
    }

    private static Row measure(String name) {
        RunContext context = arm(name);
        new OfferResultsRunner(context, new RunLog(context)).run(AS_OF, AS_OF);
        return context.warehouse().read(Tables.OFFER_RESULTS).where("campaign_id = 'all'").first();
    }

    private static double trueIncrement(ResponseSummary summary) {
        return summary.groups().stream().filter(group -> group.offerGroup().equals("treatment"))
                .mapToDouble(ResponseSummary.GroupTruth::trueExpectedIncrementalMargin).sum();
    }

    @Test
    void bothArmsSpendTheSameBudgetOnTheSameNumberOfOffers() {
        assertEquals(targeted.<Long>getAs("offers_sent"), random.<Long>getAs("offers_sent"));
        assertEquals(targeted.<Long>getAs("control_customers"), random.<Long>getAs("control_customers"));
        assertTrue(targeted.<Long>getAs("offers_sent") > 100, "offers sent: " + targeted.<Long>getAs("offers_sent"));
    }

    @Test
    void targetedOffersTrulyAddMoreMarginThanTheSameOffersToRandomCustomers() {
        assertTrue(trueIncrement(targetedTruth) > trueIncrement(randomTruth),
                "true increment targeted " + trueIncrement(targetedTruth) + " vs random " + trueIncrement(randomTruth));
    }

    /**
     * offer-results measures each arm against its own control group without bias: its 95% interval covers the arm's
     * true expected increment. (Whether the measured targeted increment also exceeds the random one depends on the
     * sample size: with the few hundred offers of one night on the sample, the intervals are wider than the
     * difference, so that comparison is reported, not asserted.)
     */
    @Test
    void eachArmsMeasuredIntervalCoversItsTrueIncrement() {
        for (var arm : List.of(Map.entry(targeted, targetedTruth), Map.entry(random, randomTruth))) {
            double truth = trueIncrement(arm.getValue());
            double low = arm.getKey().getAs("incremental_margin_ci_low");
            double high = arm.getKey().getAs("incremental_margin_ci_high");
            System.out.printf("closed loop arm: measured %.2f [%.2f, %.2f], true %.2f%n",
                    arm.getKey().<Double>getAs("incremental_margin"), low, high, truth);
            assertTrue(low <= truth && truth <= high, "[" + low + ", " + high + "] covers the true " + truth);
        }
    }
}
