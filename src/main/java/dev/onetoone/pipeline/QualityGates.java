package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.nio.file.Files;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.ConfigKeys;
import dev.onetoone.config.ConfigLoader;
import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.model.PopulationModel;
import dev.onetoone.offers.Campaigns;
import dev.onetoone.offers.OfferSettings;

/**
 * The checks of a night that stop it before offers are written: the configuration the later stages read (checked
 * before any stage runs), the volume of the load against the previous load, and the model fits behind the scores.
 * (The quarantine share is checked by ingest itself.) A failed gate writes a {@code quality_failed} row to run_log
 * under the gate's name and stops the run with exit code 3; a passed gate writes nothing, so a night's run_log rows
 * are one per stage.
 */
public final class QualityGates {
    public static final String VOLUME_GATE = "gate_volume";
    public static final String MODEL_FIT_GATE = "gate_model_fit";
    private static final Logger LOG = LoggerFactory.getLogger(QualityGates.class);

    private final RunContext context;
    private final RunLog runLog;

    public QualityGates(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    /**
     * Reads and checks what the offers stage will read (the campaigns file, the suppression file), so a mistake
     * there fails the night at once with the key's name instead of after the models have been computed.
     */
    public static void checkConfiguration(OneToOneConfig config) {
        var offers = config.offers();
        new OfferSettings(offers, config.model().margin(), Campaigns.load(ConfigLoader.resolveFile(offers.campaignsFile())));
        if (!offers.suppressionFile().isBlank() && !Files.isRegularFile(ConfigLoader.resolveFile(offers.suppressionFile()))) {
            throw new ConfigException("suppression file not found: " + ConfigLoader.resolveFile(offers.suppressionFile())
                    + " (configuration key '" + ConfigKeys.OFFERS_SUPPRESSION_FILE + "')");
        }
    }

    /**
     * Stops the night when this load's transaction lines (rows_in of ingest_transactions, quarantined lines
     * included) are fewer than (1 - gates.max-volume-drop) times those of the latest earlier successful load.
     * When both loads record the purchase days they covered (detail {@value #PURCHASE_DAYS}), lines per purchase day
     * are compared instead: a night's one-day load after a backfill of two years is then judged against the
     * backfill's daily volume, not its total. Without an earlier load there is nothing to compare and the gate passes.
     */
    public void checkVolume(LocalDate asOf, List<StageResult> ingestResults) {
        Optional<StageResult> load = ingestResults.stream().filter(result -> result.stage().equals("ingest_transactions")).findFirst();
        Warehouse warehouse = context.warehouse();
        if (load.isEmpty() || !warehouse.exists(Tables.RUN_LOG)) {
            return;
        }
        JobDescription.set(warehouse.spark(), "nightly", "volume gate");
        List<Row> previous = warehouse.read(Tables.RUN_LOG)
                .where(col("stage").equalTo("ingest_transactions")
                        .and(col("run_id").notEqual(context.runId()))
                        .and(col("status").isin(RunLog.SUCCEEDED.toArray()))
                        .and(col("as_of").lt(lit(Date.valueOf(asOf)))))
                .orderBy(col("as_of").desc(), col("started_at").desc())
                .select(col("rows_in"), col("as_of"), col("details").getItem(PURCHASE_DAYS)).limit(1).collectAsList();
        if (previous.isEmpty()) {
            return;
        }
        long current = load.get().rowsIn();
        long before = previous.get(0).getLong(0);
        Long currentDays = load.get().details().get(PURCHASE_DAYS);
        Long beforeDays = previous.get(0).isNullAt(2) ? null : previous.get(0).getLong(2);
        boolean perDay = currentDays != null && currentDays > 0 && beforeDays != null && beforeDays > 0;
        double currentVolume = perDay ? (double) current / currentDays : current;
        double beforeVolume = perDay ? (double) before / beforeDays : before;
        double maxDrop = context.config().operations().maxVolumeDrop();
        String compared = perDay
                ? String.format(Locale.ROOT, "this load has %d lines over %d purchase day(s), %.1f a day; the previous one (as of %s) %d over %d, %.1f a day",
                        current, currentDays, currentVolume, previous.get(0).getDate(1), before, beforeDays, beforeVolume)
                : String.format(Locale.ROOT, "this load has %d lines, the previous one (as of %s) %d", current, previous.get(0).getDate(1), before);
        if (currentVolume < (1 - maxDrop) * beforeVolume) {
            String message = String.format(Locale.ROOT, "volume gate: %s: a drop of %.1f%%, above %s=%s",
                    compared, 100.0 * (beforeVolume - currentVolume) / beforeVolume, ConfigKeys.GATES_MAX_VOLUME_DROP, maxDrop);
            fail(VOLUME_GATE, asOf, message, current, Map.of("previous_rows_in", before));
        }
        LOG.info("volume gate passed: {}", compared);
    }

    /** ingest_transactions detail: the distinct purchase dates of the lines accepted. */
    public static final String PURCHASE_DAYS = "purchase_days";

    /**
     * Stops the night when a model behind the scores (the purchase model and gamma_gamma) has status
     * {@code not_converged} (no earlier fit to keep; with gates.model-not-converged=fail), or rests on parameters
     * kept from a fit at least gates.max-kept-fit-age-days old.
     */
    public void checkModelFit(LocalDate asOf) {
        Warehouse warehouse = context.warehouse();
        if (!warehouse.exists(Tables.POPULATION_MODEL)) {
            return;
        }
        var settings = context.config().operations();
        List<String> used = List.of(context.config().model().purchaseModel().code(), PopulationModel.GAMMA_GAMMA.code());
        JobDescription.set(warehouse.spark(), "nightly", "model fit gate");
        List<String> problems = new ArrayList<>();
        for (Row row : warehouse.readAsOf(Tables.POPULATION_MODEL, asOf).where(col("model").isin(used.toArray()))
                .select("model", "status", "fitted_as_of").orderBy("model").collectAsList()) {
            String status = row.getString(1);
            long age = ChronoUnit.DAYS.between(row.getDate(2).toLocalDate(), asOf);
            if (status.equals("not_converged") && settings.failOnModelNotConverged()) {
                problems.add(row.getString(0) + " did not converge and no earlier fit could be kept (" + ConfigKeys.GATES_MODEL_NOT_CONVERGED + "=fail)");
            } else if (status.equals("kept_previous") && age >= settings.maxKeptFitAgeDays()) {
                problems.add(row.getString(0) + " rests on a fit " + age + " days old (" + ConfigKeys.GATES_MAX_KEPT_FIT_AGE_DAYS + "="
                        + settings.maxKeptFitAgeDays() + ")");
            }
        }
        if (!problems.isEmpty()) {
            fail(MODEL_FIT_GATE, asOf, "model fit gate: " + String.join("; ", problems), problems.size(), Map.of());
        }
    }

    private void fail(String gate, LocalDate asOf, String message, long rowsIn, Map<String, Long> details) {
        var result = new StageResult(gate, rowsIn, 0, 0, message, new LinkedHashMap<>(details));
        runLog.run(gate, asOf, () -> {
            throw new RunLog.QualityGateFailure(message, result);
        });
    }
}
