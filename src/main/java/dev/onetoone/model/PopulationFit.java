package dev.onetoone.model;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The population parameters of one model for one as-of date and how they were obtained.
 *
 * @param status fitted, reused, kept_previous, not_converged or penalised
 */
public record PopulationFit(PopulationModel kind, double[] parameters, String status, LocalDate fittedAsOf,
        double logLikelihood, int iterations, boolean converged, double gradientNorm, long customers,
        double wallSeconds, boolean warmStarted, String message) {

    public PopulationFit {
        parameters = parameters.clone();
    }

    @Override
    public double[] parameters() {
        return parameters.clone();
    }

    /** Parameters by their conventional names, in order. */
    public Map<String, Double> namedParameters() {
        var named = new LinkedHashMap<String, Double>();
        for (int i = 0; i < parameters.length; i++) {
            named.put(kind.parameterNames().get(i), parameters[i]);
        }
        return named;
    }

    /** The same parameters carried to another as-of date without refitting. */
    public PopulationFit reused() {
        return new PopulationFit(kind, parameters, "reused", fittedAsOf, logLikelihood, 0, converged, gradientNorm,
                customers, 0.0, false, "reused the fit of " + fittedAsOf + " (within model.refit-days)");
    }

    /** True when the fit can be trusted for scoring. */
    public boolean usable() {
        return !status.equals("not_converged");
    }
}
