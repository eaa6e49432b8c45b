package dev.onetoone.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;

import java.time.LocalDate;
import java.util.Optional;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a population model by maximum likelihood without bringing customers to the driver. Purchase models are
 * fitted on distinct (x, t_x, T) triples (day grain) with the number of customers sharing each triple as weight;
 * Gamma-Gamma on distinct (x, mean repeat spend rounded to the cent). The likelihood and its gradient are summed by
 * Spark ({@link DistributedObjective}); the optimiser (L-BFGS in log-parameters) runs on the driver.
 *
 * <p>Small or degenerate populations (fewer than {@code minCustomers}, or nobody with a repeat purchase) are fitted
 * with an L2 penalty on the log-parameters, which keeps the estimates finite and pulls unidentified parameters
 * towards 1; such fits carry status {@code penalised}. A fit that does not converge keeps the previous parameters
 * ({@code kept_previous}) when there are any, and is reported {@code not_converged} otherwise.
 */
public final class PopulationFitter {
    private static final Logger LOG = LoggerFactory.getLogger(PopulationFitter.class);

    /** Fitting settings. */
    public record Settings(int minCustomers, double smallPopulationPenalty) {
    }

    private final Settings settings;

    public PopulationFitter(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param summaries {@link CustomerSummaries} rows
     * @param previous  the latest earlier fit of this model, for a warm start and as fallback
     */
    public PopulationFit fit(PopulationModel kind, Dataset<Row> summaries, Optional<PopulationFit> previous, LocalDate asOf) {
        Dataset<Row> compressed = kind == PopulationModel.GAMMA_GAMMA
                ? summaries.where(col("x").geq(1).and(col("mean_repeat_spend").gt(0)))
                        .groupBy(col("x"), round(col("mean_repeat_spend"), 2).as("m"), lit(0.0).as("unused")).agg(count(lit(1)).as("weight"))
                : summaries.groupBy("x", "t_x", "t_age").agg(count(lit(1)).as("weight"));
        JavaRDD<double[]> rows = compressed.javaRDD().map(row -> new double[] {
                ((Number) row.get(0)).doubleValue(), ((Number) row.get(1)).doubleValue(),
                ((Number) row.get(2)).doubleValue(), ((Number) row.get(3)).doubleValue()});
        rows.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long customers = summaries.count();
            long repeaters = summaries.where(col("x").geq(1)).count();
            boolean small = customers < settings.minCustomers() || repeaters == 0;
            var fitterSettings = MaximumLikelihoodFitter.Settings.defaults();
            if (small) {
                fitterSettings = fitterSettings.withL2Penalty(settings.smallPopulationPenalty());
            }
            double[] start = previous.map(PopulationFit::parameters).orElse(kind.coldStart());
            FitResult result = new MaximumLikelihoodFitter(fitterSettings).fit(new DistributedObjective(rows, kind), start);
            LOG.info("{} fit as of {}: {} after {} iterations, converged {}, log-likelihood {}",
                    kind.code(), asOf, result.message(), result.iterations(), result.converged(), result.logLikelihood());
            String status;
            double[] parameters = result.parameters();
            String message = result.message();
            LocalDate fittedAsOf = asOf;
            if (small) {
                status = "penalised";
                message = "penalised fit: " + customers + " customers, " + repeaters + " with repeat purchases; " + message;
            } else if (result.converged()) {
                status = "fitted";
            } else if (previous.isPresent()) {
                status = "kept_previous";
                parameters = previous.get().parameters();
                fittedAsOf = previous.get().fittedAsOf();
                message = "fit did not converge (" + message + "); kept the parameters fitted as of " + fittedAsOf;
            } else {
                status = "not_converged";
            }
            return new PopulationFit(kind, parameters, status, fittedAsOf, result.logLikelihood(), result.iterations(),
                    result.converged(), result.gradientNorm(), result.customers(), result.wallTime().toMillis() / 1000.0,
                    previous.isPresent(), message);
        } finally {
            rows.unpersist();
        }
    }
}
