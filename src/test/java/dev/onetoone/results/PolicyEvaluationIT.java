package dev.onetoone.results;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.config.ConfigException;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.PolicyEvaluationRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.TestOffers;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The table path of evaluate-policy on one night worked out by hand: four planned offers of one campaign (two
 * treatment, two control, each logged with probability 0.465, so q_send = 0.5), a holdout and an explore row, and
 * transactions ingested from a file. Product P1 sells at 5.00 and costs 2.00. In the windows (2026-01-01 to
 * 2026-01-14): C1 (treatment) buys two, margin 6; C3 (control) buys one, margin 3; C2 (treatment) and C4 (control)
 * buy nothing in their windows (C4 buys before it); the holdout and explore customers buy 100 each, which must not
 * count. Contact cost 0.10 per sent offer, so the rewards are C1 5.90, C2 -0.10, C3 3.00, C4 0.
 */
class PolicyEvaluationIT extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.of(2025, 12, 31);

    @TempDir
    static Path work;

    private static RunContext context;
    private static PolicyEvaluationRunner.Outcome outcome;

    @BeforeAll
    static void evaluate() throws Exception {
        context = WarehouseFixture.context(work.resolve("warehouse"), Map.of());
        Warehouse warehouse = context.warehouse();
        Path products = Files.writeString(work.resolve("products.csv"),
                "product_id,name,category,price,unit_cost,replenishable\nP1,Test Coffee,coffee,5.00,2.00,false\n");
        Path transactions = Files.writeString(work.resolve("transactions.csv"),
                "transaction_id,customer_id,ts,product_id,category,quantity,unit_price,discount,amount,channel,store_id,offer_id\n"
                        + "T1,C1,2026-01-05 10:00:00,P1,coffee,2,5.00,0.00,10.00,app,,\n"
                        + "T2,C3,2026-01-07 10:00:00,P1,coffee,1,5.00,0.00,5.00,app,,\n"
                        + "T3,C4,2025-12-20 10:00:00,P1,coffee,1,5.00,0.00,5.00,app,,\n"
                        + "T4,C5,2026-01-03 10:00:00,P1,coffee,100,5.00,0.00,500.00,app,,\n"
                        + "T5,C6,2026-01-03 10:00:00,P1,coffee,100,5.00,0.00,500.00,app,,\n");
        new IngestRunner(context, new RunLog(context)).ingest(new IngestRequest(Optional.of(transactions.toString()), Optional.empty(),
                Optional.of(products.toString())), null, LocalDate.of(2026, 2, 1));

        List<Row> rows = new ArrayList<>();
        rows.add(offer("C1", "treatment", 0.465, 1.0));
        rows.add(offer("C2", "treatment", 0.465, 0.2));
        rows.add(offer("C3", "control", 0.465, 0.8));
        rows.add(offer("C4", "control", 0.465, 0.1));
        rows.add(offer("C5", "holdout", 0.05, 0.9));
        rows.add(offer("C6", "explore", 0.01, 0.9));
        StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("offer_group", DataTypes.StringType)
                .add("assignment_probability", DataTypes.DoubleType).add("net_expected_margin", DataTypes.DoubleType);
        var offers = TestOffers.offers(spark().createDataFrame(rows, schema).withColumn("target_category", org.apache.spark.sql.functions.lit("coffee")),
                        "coffee_club", AS_OF)
                .drop("offer_group", "assignment_probability", "net_expected_margin", "contact_cost")
                .join(spark().createDataFrame(rows, schema), "customer_id")
                .withColumn("contact_cost", org.apache.spark.sql.functions.lit(0.10));
        warehouse.overwriteAsOf(Tables.OFFERS, Warehouse.conform(Tables.OFFERS, offers), AS_OF);
        outcome = new PolicyEvaluationRunner(context, new RunLog(context)).run(AS_OF, AS_OF, List.of(TargetPolicy.minNetExpectedMargin(0.5)));
    }

    private static Row offer(String customer, String group, double probability, double netExpectedMargin) {
        return RowFactory.create(customer, group, probability, netExpectedMargin);
    }

    private static Row row(String policy, String estimator) {
        return context.warehouse().read(Tables.POLICY_EVALUATION)
                .where(col("policy").equalTo(policy).and(col("estimator").equalTo(estimator))).first();
    }

    @Test
    void theSlotsAreThePlannedOffersAndTheLoggedValueIsTheirMeanReward() {
        assertEquals(4L, outcome.evaluation().slots());
        // (5.90 - 0.10 + 3.00 + 0) / 4
        assertEquals(2.2, outcome.evaluation().observedReward(), 1e-9);
        assertEquals(2.2, row("logged", PolicyEstimator.IPS).<Double>getAs("value_per_slot"), 1e-9);
    }

    @Test
    void sendingEveryPlannedOfferWeighsTheTreatmentRowsByTwo() {
        // (2 x 5.90 + 2 x -0.10) / 4 = 2.9; total over the 4 slots 11.6
        Row ips = row("send_all_planned", PolicyEstimator.IPS);
        assertEquals(2.9, ips.<Double>getAs("value_per_slot"), 1e-9);
        assertEquals(11.6, ips.<Double>getAs("total_value"), 1e-9);
        assertEquals(2L, ips.<Long>getAs("matched_slots"));
        // SNIPS: 11.6 / (2 + 2)
        assertEquals(2.9, row("send_all_planned", PolicyEstimator.SNIPS).<Double>getAs("value_per_slot"), 1e-9);
    }

    @Test
    void sendingNothingWeighsTheControlRowsByTwo() {
        // (2 x 3.00 + 2 x 0) / 4
        assertEquals(1.5, row("send_nothing", PolicyEstimator.IPS).<Double>getAs("value_per_slot"), 1e-9);
    }

    @Test
    void aThresholdKeepsTheSlotsWhoseLoggedActionItWouldTake() {
        // sends C1 (1.0) and C3 (0.8), withholds C2 (0.2) and C4 (0.1): matched C1 (sent) and C4 (withheld);
        // (2 x 5.90 + 2 x 0) / 4
        Row ips = row("min_net_expected_margin", PolicyEstimator.IPS);
        assertEquals(2.95, ips.<Double>getAs("value_per_slot"), 1e-9);
        assertEquals(2L, ips.<Long>getAs("matched_slots"));
        assertTrue(ips.<Boolean>getAs("estimable"));
        assertEquals(2.0, ips.<Double>getAs("effective_sample_size"), 1e-9);
        // over sending nothing (1.5): 2.95 - 1.5
        assertEquals(1.45, ips.<Double>getAs("increment_per_slot"), 1e-9);
    }

    @Test
    void aRerunReplacesThePeriodsRows() {
        new PolicyEvaluationRunner(context, new RunLog(context)).run(AS_OF, AS_OF, List.of(TargetPolicy.minNetExpectedMargin(0.5)));
        assertEquals(12L, context.warehouse().read(Tables.POLICY_EVALUATION).where(col("from_date").equalTo(Date.valueOf(AS_OF))).count());
    }

    @Test
    void aStepForACampaignWithoutOffersNamesTheOption() {
        var error = assertThrows(ConfigException.class, () -> new PolicyEvaluationRunner(context, new RunLog(context))
                .run(AS_OF, AS_OF, List.of(TargetPolicy.steps(Map.of("win_bak", 10.0)))));
        assertTrue(error.getMessage().startsWith("--step: campaign 'win_bak'"), error.getMessage());
    }

    @Test
    void noValueIsNaNOrInfinite() {
        for (Row row : context.warehouse().read(Tables.POLICY_EVALUATION).collectAsList()) {
            for (String column : List.of("value_per_slot", "ci_low", "ci_high", "total_value", "effective_sample_size")) {
                if (!row.isNullAt(row.fieldIndex(column))) {
                    assertFalse(Double.isNaN(row.<Double>getAs(column)) || Double.isInfinite(row.<Double>getAs(column)), column);
                }
            }
        }
    }
}
