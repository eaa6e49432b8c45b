package dev.onetoone.results;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.cli.OneToOneCli;
import dev.onetoone.generate.GeneratorConfig;
import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.OfferResultsRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.pipeline.StageResult;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.TestOffers;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The file and table path of the loop: offers in the warehouse → {@code simulate-responses} writes a transactions
 * file → ingest → offer-results writes offer_results and run_log. 300 offers of one campaign to a generated
 * population of 600; a third of the rows withheld (control, and a few holdout).
 */
class OfferResultsIT extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.of(2025, 12, 31);
    private static final int OFFERS = 300;

    @TempDir
    static Path work;

    private static RunContext context;
    private static Map<String, Object> simulated;
    private static StageResult result;

    @BeforeAll
    static void runTheLoop() throws Exception {
        Path sample = work.resolve("sample");
        new SyntheticDataGenerator(GeneratorConfig.of(600, LocalDate.of(2025, 1, 1), AS_OF, 5)).generate(sample);
        context = WarehouseFixture.context(work.resolve("warehouse"), Map.of());
        Warehouse warehouse = context.warehouse();
        var groups = pmod(xxhash64(col("customer_id")), lit(30L));
        var offers = TestOffers.offers(TestOffers.random(TestOffers.candidates(sample), OFFERS), "second_look", AS_OF)
                .withColumn("offer_group", when(groups.lt(2), lit("holdout")).when(groups.lt(10), lit("control")).otherwise(lit("treatment")));
        warehouse.overwriteAsOf(Tables.OFFERS, offers, AS_OF);

        var out = new StringWriter();
        var err = new StringWriter();
        int exit = OneToOneCli.execute(new String[] {"simulate-responses", "--warehouse", warehouse.root(), "--offers-as-of", AS_OF.toString(),
                "--sample", sample.toString(), "--out", work.resolve("responses").toString(), "--seed", "3"}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, exit, err.toString());
        simulated = Map.of("stdout", out.toString(),
                "summary", Files.readString(work.resolve("responses/response_summary.json")));

        var ingest = new IngestRunner(context, new RunLog(context));
        ingest.ingest(new IngestRequest(Optional.of(work.resolve("responses/transactions.csv").toString()), Optional.empty(),
                Optional.of(sample.resolve("products.csv").toString())), null, LocalDate.of(2026, 2, 1));
        result = new OfferResultsRunner(context, new RunLog(context)).run(AS_OF, AS_OF);
    }

    private static Row resultRow(String campaign) {
        return context.warehouse().read(Tables.OFFER_RESULTS).where(col("campaign_id").equalTo(campaign)).first();
    }

    @Test
    void theSimulatedPurchasesAreIngestedWithoutQuarantineAndTreatedOnesRedeem() {
        Warehouse warehouse = context.warehouse();
        assertEquals(0L, warehouse.read(Tables.QUARANTINE).count(), "every simulated line passes validation");
        long treatedBaskets = warehouse.read(Tables.TRANSACTIONS).where(col("offer_id").isNotNull())
                .select("transaction_id").distinct().count();
        assertTrue(treatedBaskets > 0, simulated.toString());
        assertEquals(treatedBaskets, resultRow("second_look").<Long>getAs("redemptions"), "one redeemed basket per redeemed offer");
        assertTrue(simulated.get("summary").toString().contains("\"true_expected_incremental_margin\""));
        assertTrue(simulated.get("stdout").toString().contains("simulated purchases"));
    }

    @Test
    void theGroupsAreCountedFromTheOffersTableAndTheRunLogRecordsTheStage() {
        Warehouse warehouse = context.warehouse();
        long withheld = warehouse.read(Tables.OFFERS).where(col("offer_group").isin("control", "holdout")).count();
        Row campaign = resultRow("second_look");
        assertEquals(OFFERS - withheld, campaign.<Long>getAs("offers_sent"));
        assertEquals(withheld, campaign.<Long>getAs("control_customers"));
        assertEquals(campaign.<Double>getAs("incremental_margin"), resultRow("all").<Double>getAs("incremental_margin"), 1e-9);
        assertEquals(1L, warehouse.read(Tables.RUN_LOG).where(col("stage").equalTo("offer_results")).count());
        assertEquals(OFFERS, result.rowsIn());
        assertTrue(result.message().contains("second_look"), result.message());
    }

    @Test
    void theCommandReplacesThePeriodsRowsAndAnEmptyPeriodGivesZerosWithAMessage() {
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = OneToOneCli.execute(new String[] {"offer-results", "--warehouse", context.warehouse().root(),
                "--from", AS_OF.toString(), "--to", AS_OF.toString()}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, exit, err.toString());
        assertTrue(out.toString().contains("second_look"), out.toString());
        Date asOf = Date.valueOf(AS_OF);
        assertEquals(2L, context.warehouse().read(Tables.OFFER_RESULTS).where(col("from_date").equalTo(asOf)).count(),
                "a rerun for the same period replaces its rows");

        LocalDate later = AS_OF.plusDays(30);
        StageResult empty = new OfferResultsRunner(context, new RunLog(context)).run(later, later);
        assertTrue(empty.message().contains("no offers with as_of in the period: every result is 0"), empty.message());
        Row all = context.warehouse().read(Tables.OFFER_RESULTS).where(col("from_date").equalTo(Date.valueOf(later))).first();
        assertEquals(0L, all.<Long>getAs("offers_sent"));
        assertEquals(0.0, all.<Double>getAs("redemption_rate"));
        assertEquals(0.0, all.<Double>getAs("incremental_margin_ci_high"));
        assertEquals(2L, context.warehouse().read(Tables.OFFER_RESULTS).where(col("from_date").equalTo(asOf)).count(), "other periods are kept");
    }

    @Test
    void badArgumentsAreNamed() {
        var err = new StringWriter();
        int exit = OneToOneCli.execute(new String[] {"offer-results", "--warehouse", context.warehouse().root(),
                "--from", "2026-02-01", "--to", "2026-01-01"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, exit);
        assertTrue(err.toString().contains("--to 2026-01-01 is before --from 2026-02-01"), err.toString());

        err = new StringWriter();
        exit = OneToOneCli.execute(new String[] {"simulate-responses", "--warehouse", context.warehouse().root(),
                "--offers-as-of", AS_OF.toString(), "--sample", work.resolve("no-such-sample").toString(),
                "--out", work.resolve("unused").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, exit);
        assertTrue(err.toString().contains("generated sample file not found: " + work.resolve("no-such-sample").resolve("products.csv")), err.toString());
    }
}
