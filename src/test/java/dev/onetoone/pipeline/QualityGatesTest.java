package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.cli.OneToOneCli;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/** The gates of a night: volume against the previous load, model fits, and the configuration checked before any stage. */
class QualityGatesTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.of(2025, 12, 31);

    @TempDir
    Path directory;

    private RunContext context(Map<String, String> overrides) {
        return WarehouseFixture.context(directory.resolve("warehouse"), overrides);
    }

    private static void previousLoad(Warehouse warehouse, LocalDate asOf, long rowsIn, String status) {
        Timestamp at = Timestamp.from(WarehouseFixture.NOW);
        Row row = RowFactory.create("earlier-" + asOf, "ingest_transactions", Date.valueOf(asOf), at, at, 0.0, rowsIn, rowsIn, 0L, status,
                null, Map.of());
        warehouse.append(Tables.RUN_LOG, spark().createDataFrame(List.of(row), Tables.RUN_LOG.schema()));
    }

    private static StageResult load(long rowsIn) {
        return new StageResult("ingest_transactions", rowsIn, rowsIn, 0, "loaded", Map.of());
    }

    @Test
    void aLoadBelowTheAllowedDropAgainstThePreviousLoadStopsTheNight() {
        RunContext context = context(Map.of("gates.max-volume-drop", "0.9"));
        previousLoad(context.warehouse(), AS_OF.minusDays(2), 5000, "succeeded");
        previousLoad(context.warehouse(), AS_OF.minusDays(1), 1000, "succeeded");
        previousLoad(context.warehouse(), AS_OF.minusDays(1), 9000, "failed");
        var gates = new QualityGates(context, new RunLog(context));
        // The previous successful load has 1000 lines; a drop of 90% allows 100 and no fewer.
        assertDoesNotThrow(() -> gates.checkVolume(AS_OF, List.of(load(100))));
        var stopped = assertThrows(DataQualityException.class, () -> gates.checkVolume(AS_OF, List.of(load(99))));
        assertTrue(stopped.getMessage().contains("99 lines, the previous one (as of 2025-12-30) 1000: a drop of 90.1%"), stopped.getMessage());
        Row logged = context.warehouse().read(Tables.RUN_LOG).where("stage = 'gate_volume'").first();
        assertEquals("quality_failed", logged.getString(logged.fieldIndex("status")));
        assertEquals(99L, logged.getLong(logged.fieldIndex("rows_in")));
    }

    @Test
    void loadsThatRecordTheirPurchaseDaysAreComparedByLinesPerDay() {
        RunContext context = context(Map.of("gates.max-volume-drop", "0.9"));
        Timestamp at = Timestamp.from(WarehouseFixture.NOW);
        // A backfill of 73,000 lines over 730 purchase days: 100 lines a day.
        Row backfill = RowFactory.create("backfill", "ingest_transactions", Date.valueOf(AS_OF.minusDays(1)), at, at, 0.0, 73_000L, 73_000L, 0L,
                "succeeded", null, Map.of(QualityGates.PURCHASE_DAYS, 730L));
        context.warehouse().append(Tables.RUN_LOG, spark().createDataFrame(List.of(backfill), Tables.RUN_LOG.schema()));
        var gates = new QualityGates(context, new RunLog(context));
        // One day of 10 lines is a drop of exactly 90% a day: allowed; 9 lines is 91%: stopped.
        assertDoesNotThrow(() -> gates.checkVolume(AS_OF, List.of(load(10, 1))));
        var stopped = assertThrows(DataQualityException.class, () -> gates.checkVolume(AS_OF, List.of(load(9, 1))));
        assertTrue(stopped.getMessage().contains("9 lines over 1 purchase day(s), 9.0 a day; the previous one (as of 2025-12-30) 73000 over 730, 100.0 a day: a drop of 91.0%"),
                stopped.getMessage());
        // Compared by totals (as before purchase days were recorded), 10 lines against 73,000 would have stopped it.
        assertThrows(DataQualityException.class, () -> gates.checkVolume(AS_OF, List.of(load(10))));
    }

    private static StageResult load(long rowsIn, long purchaseDays) {
        return new StageResult("ingest_transactions", rowsIn, rowsIn, 0, "loaded", Map.of(QualityGates.PURCHASE_DAYS, purchaseDays));
    }

    @Test
    void withoutAnEarlierLoadOrWithTheGateOffTheVolumeGatePasses() {
        RunContext context = context(Map.of("gates.max-volume-drop", "1"));
        var gates = new QualityGates(context, new RunLog(context));
        assertDoesNotThrow(() -> gates.checkVolume(AS_OF, List.of(load(0))));
        previousLoad(context.warehouse(), AS_OF.minusDays(1), 1000, "succeeded");
        assertDoesNotThrow(() -> gates.checkVolume(AS_OF, List.of(load(0))));
        assertDoesNotThrow(() -> gates.checkVolume(AS_OF, List.of()), "no load tonight: nothing to compare");
    }

    private static void fit(Warehouse warehouse, String model, String status, LocalDate fittedAsOf) {
        Row row = RowFactory.create(Date.valueOf(AS_OF), model, Map.of("r", 1.0), status, Date.valueOf(fittedAsOf), -10.0, 5,
                !status.equals("not_converged"), 0.0, 100L, 1.0, false, null);
        warehouse.append(Tables.POPULATION_MODEL, spark().createDataFrame(List.of(row), Tables.POPULATION_MODEL.schema()));
    }

    @Test
    void aModelBehindTheScoresThatDidNotConvergeStopsTheNight() {
        RunContext context = context(Map.of("model.purchase-model", "bg_nbd"));
        fit(context.warehouse(), "bg_nbd", "not_converged", AS_OF);
        fit(context.warehouse(), "gamma_gamma", "fitted", AS_OF);
        var gates = new QualityGates(context, new RunLog(context));
        var stopped = assertThrows(DataQualityException.class, () -> gates.checkModelFit(AS_OF));
        assertTrue(stopped.getMessage().contains("bg_nbd did not converge"), stopped.getMessage());
        RunContext warnOnly = context(Map.of("gates.model-not-converged", "warn", "model.purchase-model", "bg_nbd"));
        assertDoesNotThrow(() -> new QualityGates(warnOnly, new RunLog(warnOnly)).checkModelFit(AS_OF));
    }

    @Test
    void parametersKeptFromAFitTooOldStopTheNightAndAModelNotUsedIsIgnored(@TempDir Path other) {
        RunContext context = WarehouseFixture.context(other, Map.of("gates.max-kept-fit-age-days", "28", "model.purchase-model", "bg_nbd"));
        fit(context.warehouse(), "bg_nbd", "kept_previous", AS_OF.minusDays(27));
        fit(context.warehouse(), "pareto_nbd", "not_converged", AS_OF);
        fit(context.warehouse(), "gamma_gamma", "reused", AS_OF.minusDays(60));
        var gates = new QualityGates(context, new RunLog(context));
        assertDoesNotThrow(() -> gates.checkModelFit(AS_OF), "27 days < 28; pareto_nbd is not the purchase model; reused is a fresh fit");
        RunContext stricter = WarehouseFixture.context(other, Map.of("gates.max-kept-fit-age-days", "27", "model.purchase-model", "bg_nbd"));
        var stopped = assertThrows(DataQualityException.class, () -> new QualityGates(stricter, new RunLog(stricter)).checkModelFit(AS_OF));
        assertTrue(stopped.getMessage().contains("bg_nbd rests on a fit 27 days old"), stopped.getMessage());
    }

    @Test
    void aNegativeCampaignBudgetFailsTheNightBeforeAnyStageWithTheKeyNamed() throws IOException {
        String shipped = Files.readString(WarehouseFixture.sample("conf/campaigns.properties"));
        Path campaigns = Files.writeString(directory.resolve("campaigns.properties"),
                shipped.replace("campaign.replenishment.budget=200", "campaign.replenishment.budget=-200"));
        Path warehouse = directory.resolve("warehouse");
        var out = new StringWriter();
        var err = new StringWriter();
        int code = OneToOneCli.execute(new String[] {"nightly", "--as-of", "2025-12-31", "--warehouse", warehouse.toString(),
            "--input", WarehouseFixture.sample("data-samples/messy/transactions.csv").toString(), "-D", "offers.campaigns-file=" + campaigns},
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("campaign.replenishment.budget"), err.toString());
        assertFalse(Files.exists(warehouse.resolve("run_log")), "no stage ran");
        assertFalse(Files.exists(warehouse.resolve("transactions")), "nothing was loaded");
    }
}
