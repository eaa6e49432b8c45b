package dev.onetoone.pipeline;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One night, in order ({@link #STAGES}): ingest the input (if given), then rfm, loyalty, model, affinity and offers
 * for the as-of date. Loyalty runs before the model stage so that customer_model is written once, with the night's
 * loyalty columns (reading the transactions, its programme's tables and the earlier nights' offers, it needs
 * nothing the model or affinity write).
 * Each stage writes its tables for that date only, so running a night twice gives the same tables. The configuration
 * of every stage is checked before the first one runs, and the {@link QualityGates} stop the night (exit code 3)
 * before offers are written.
 */
public final class NightlyPipeline {
    /** The commands of a night, in the order it runs them (the Airflow DAG runs the same, one task each). */
    public static final List<String> STAGES = List.of("ingest", "rfm", "loyalty", "model", "affinity", "offers");

    private final RunContext context;
    private final StageObserver observer;

    public NightlyPipeline(RunContext context) {
        this(context, StageObserver.NONE);
    }

    /** A night whose stages the observer watches (and may skip), e.g. to time them. */
    public NightlyPipeline(RunContext context, StageObserver observer) {
        this.context = context;
        this.observer = observer;
    }

    public List<StageResult> run(LocalDate asOf, Optional<String> input) {
        QualityGates.checkConfiguration(context.config());
        var runLog = new RunLog(context, observer);
        var gates = new QualityGates(context, runLog);
        var results = new ArrayList<StageResult>();
        input.ifPresent(path -> results.addAll(new IngestRunner(context, runLog)
                .ingest(IngestRequest.fromInput(path), asOf, context.referenceDate(asOf))));
        gates.checkVolume(asOf, results);
        results.add(new RfmRunner(context, runLog).run(asOf));
        results.add(new LoyaltyRunner(context, runLog).runBeforeModel(asOf, input));
        results.add(new ModelRunner(context, runLog).run(asOf));
        gates.checkModelFit(asOf);
        results.add(new AffinityRunner(context, runLog).run(asOf));
        results.add(new OffersRunner(context, runLog).run(asOf));
        return results;
    }
}
