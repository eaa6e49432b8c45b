package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.model.CustomerScorer;
import dev.onetoone.model.CustomerSummaries;
import dev.onetoone.model.PopulationFit;
import dev.onetoone.model.PopulationFitter;
import dev.onetoone.model.PopulationModel;
import dev.onetoone.model.PreferenceSettings;
import dev.onetoone.model.PreferenceStep;

/**
 * The per-customer model stage for one as-of date:
 * <ol>
 * <li>customer_state: brought to the as-of date by {@link CustomerStateUpdater} (the new lines folded in by MERGE,
 * or an explicit rebuild), unless the rfm stage already did.</li>
 * <li>population_model: BG/NBD, Pareto/NBD (optional) and Gamma-Gamma, refitted when the last fit is
 * {@code model.refit-days} old, warm-started from it; otherwise its parameters are reused.</li>
 * <li>customer_model: every customer scored against the priors, with their preferences; both are computed in one
 * pass over customer_state alone, so a customer without new purchases ages with no pass over their lines.</li>
 * </ol>
 */
public final class ModelRunner {
    private final RunContext context;
    private final RunLog runLog;

    public ModelRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    public StageResult run(LocalDate asOf) {
        return run(asOf, StateUpdate.FOLD);
    }

    /** The models for {@code asOf}, from customer_state brought to that date as {@code update} says. */
    public StageResult run(LocalDate asOf, StateUpdate update) {
        return runLog.run("model", asOf, () -> model(asOf, update));
    }

    private StageResult model(LocalDate asOf, StateUpdate update) {
        Warehouse warehouse = context.warehouse();
        OneToOneConfig.ModelConfig settings = context.config().model();
        Map<String, Long> details = new LinkedHashMap<>();
        var spark = warehouse.spark();

        Dataset<Row> state = new CustomerStateUpdater(context, "model").stateAsOf(asOf, update, details).forReuse();
        Dataset<Row> summaries = CustomerSummaries.of(state, asOf, settings.timeUnitDays()).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            JobDescription.set(spark, "model", "summaries from customer_state");
            long customers = summaries.count();
            if (customers == 0) {
                return new StageResult("model", 0, 0, 0, "model: no customer has purchased by " + asOf + "; nothing to score", details);
            }
            JobDescription.set(spark, "model", "fit population models");
            List<PopulationFit> fits = fitPopulation(summaries, asOf, settings);
            List<String> warnings = new ArrayList<>();
            for (PopulationFit fit : fits) {
                details.put(fit.kind().code() + "_iterations", (long) fit.iterations());
                if (fit.status().equals("kept_previous") || fit.status().equals("not_converged")) {
                    warnings.add(fit.kind().code() + " " + fit.status());
                }
            }
            warehouse.overwriteAsOf(Tables.POPULATION_MODEL, populationRows(fits, asOf), asOf);

            JobDescription.set(spark, "model", "population rhythm");
            Row gaps = summaries.agg(sum("sum_gap_days"), sum("sum_squared_gap_days"), sum("x")).first();
            double totalGaps = gaps.isNullAt(2) ? 0 : ((Number) gaps.get(2)).doubleValue();
            double meanGap = totalGaps > 0 ? gaps.getDouble(0) / totalGaps : 30.0;
            double secondMoment = totalGaps > 0 ? gaps.getDouble(1) / totalGaps : meanGap * meanGap;
            PopulationModel primary = settings.purchaseModel();
            var inputs = new CustomerScorer.Inputs(parameters(fits, PopulationModel.BG_NBD), primary,
                    parameters(fits, primary), parameters(fits, PopulationModel.GAMMA_GAMMA), settings.timeUnitDays(), settings.clvHorizonDays(),
                    settings.margin(), settings.annualDiscountRate(), settings.rhythmPriorPurchases(), meanGap, secondMoment);
            // Scores and preferences in one pass over the state's rows (the preferences from its accumulators, with no
            // pass over the transaction lines): both are per-customer functions of the same row, so no join.
            Column scores = new CustomerScorer(inputs, asOf)
                    .score(struct(CustomerSummaries.columns(asOf, settings.timeUnitDays()).toArray(Column[]::new))).as("scores");
            Dataset<Row> preferences = new PreferenceStep(new PreferenceSettings(settings.preferenceHalfLifeDays(),
                    settings.sensitivityPriorLines(), PreferenceSettings.defaults().favouriteProducts())).fromState(state, asOf, List.of(scores));
            JobDescription.set(spark, "model", "loyalty balances of the night");
            // The night's points_balance, written by the loyalty step, which runs before the model.
            // The write puts the columns in the table's order.
            Dataset<Row> model = LoyaltyColumns.fromWarehouse(context, preferences.select(col("*"), col("scores.*")).drop("scores"), asOf);
            JobDescription.set(spark, "model", "score customers and write customer_model");
            warehouse.overwriteAsOf(Tables.CUSTOMER_MODEL, model, asOf);
            JobDescription.set(spark, "model", "check customer_model");
            long scored = warehouse.readAsOf(Tables.CUSTOMER_MODEL, asOf).count();
            if (scored != customers) {
                throw new IllegalStateException("customer_model has " + scored + " rows for " + asOf + " but " + customers + " customers have purchased");
            }
            String message = "model: " + scored + " customers scored as of " + asOf + " (" + describe(fits) + ")"
                    + (warnings.isEmpty() ? "" : "; WARNING: " + String.join(", ", warnings));
            if (!warnings.isEmpty()) {
                details.put(StageResult.WARNINGS, (long) warnings.size());
            }
            return new StageResult("model", customers, scored, 0, message, details);
        } finally {
            summaries.unpersist();
            state.unpersist();
            JobDescription.clear(spark);
        }
    }

    private List<PopulationFit> fitPopulation(Dataset<Row> summaries, LocalDate asOf, OneToOneConfig.ModelConfig settings) {
        var fitter = new PopulationFitter(new PopulationFitter.Settings(settings.minCustomers(), settings.smallPopulationPenalty()));
        var kinds = new ArrayList<>(List.of(PopulationModel.BG_NBD, PopulationModel.GAMMA_GAMMA));
        if (settings.fitParetoNbd() || settings.purchaseModel() == PopulationModel.PARETO_NBD) {
            kinds.add(1, PopulationModel.PARETO_NBD);
        }
        if (settings.purchaseModel() == PopulationModel.MBG_NBD) {
            kinds.add(1, PopulationModel.MBG_NBD);
        }
        List<PopulationFit> fits = new ArrayList<>();
        for (PopulationModel kind : kinds) {
            Optional<PopulationFit> previous = previousFit(kind, asOf);
            boolean fresh = previous.isPresent()
                    && asOf.toEpochDay() - previous.get().fittedAsOf().toEpochDay() < settings.refitDays()
                    && !previous.get().status().equals("not_converged");
            fits.add(fresh ? previous.get().reused() : fitter.fit(kind, summaries, previous, asOf));
        }
        return fits;
    }

    /** The latest fit of the model for a date before the as-of date (small: one row). */
    private Optional<PopulationFit> previousFit(PopulationModel kind, LocalDate asOf) {
        Warehouse warehouse = context.warehouse();
        if (!warehouse.exists(Tables.POPULATION_MODEL)) {
            return Optional.empty();
        }
        List<Row> rows = warehouse.read(Tables.POPULATION_MODEL)
                .where(col("model").equalTo(kind.code()).and(col("as_of").lt(lit(Date.valueOf(asOf)))))
                .orderBy(col("as_of").desc()).limit(1).collectAsList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Row row = rows.get(0);
        Map<String, Double> named = row.getJavaMap(row.fieldIndex("parameters"));
        double[] parameters = kind.parameterNames().stream().mapToDouble(named::get).toArray();
        return Optional.of(new PopulationFit(kind, parameters, row.getAs("status"), row.<Date>getAs("fitted_as_of").toLocalDate(),
                row.getAs("log_likelihood"), row.<Integer>getAs("iterations"), row.getAs("converged"), row.getAs("gradient_norm"),
                row.getAs("customers"), row.getAs("wall_seconds"), row.getAs("warm_started"), row.getAs("message")));
    }

    private Dataset<Row> populationRows(List<PopulationFit> fits, LocalDate asOf) {
        List<Row> rows = new ArrayList<>();
        for (PopulationFit fit : fits) {
            rows.add(RowFactory.create(Date.valueOf(asOf), fit.kind().code(), fit.namedParameters(), fit.status(),
                    Date.valueOf(fit.fittedAsOf()), fit.logLikelihood(), fit.iterations(), fit.converged(), fit.gradientNorm(),
                    fit.customers(), fit.wallSeconds(), fit.warmStarted(), fit.message()));
        }
        return context.warehouse().spark().createDataFrame(rows, Tables.POPULATION_MODEL.schema());
    }

    private static double[] parameters(List<PopulationFit> fits, PopulationModel kind) {
        return fits.stream().filter(fit -> fit.kind() == kind).findFirst().map(PopulationFit::parameters)
                .orElse(kind.coldStart());
    }

    private static String describe(List<PopulationFit> fits) {
        var parts = new ArrayList<String>();
        for (PopulationFit fit : fits) {
            var named = new ArrayList<String>();
            fit.namedParameters().forEach((name, value) -> named.add(name + "=" + String.format(java.util.Locale.ROOT, "%.4g", value)));
            parts.add(fit.kind().code() + " " + fit.status() + " " + String.join(" ", named));
        }
        return String.join("; ", parts);
    }
}
