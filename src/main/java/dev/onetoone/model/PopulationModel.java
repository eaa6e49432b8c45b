package dev.onetoone.model;

import java.util.List;

/**
 * The population models fitted at scale, with their conventional parameter names: three purchase models (one of which,
 * {@code model.purchase-model}, scores the customers) and the Gamma-Gamma spend model.
 */
public enum PopulationModel {
    BG_NBD("bg_nbd", List.of("r", "alpha", "a", "b"), new double[] {1.0, 1.0, 1.0, 1.0}),
    PARETO_NBD("pareto_nbd", List.of("r", "alpha", "s", "beta"), new double[] {1.0, 1.0, 1.0, 1.0}),
    MBG_NBD("mbg_nbd", List.of("r", "alpha", "a", "b"), new double[] {1.0, 1.0, 1.0, 1.0}),
    GAMMA_GAMMA("gamma_gamma", List.of("p", "q", "gamma"), new double[] {1.0, 2.0, 1.0});

    private final String code;
    private final List<String> parameterNames;
    private final double[] coldStart;

    PopulationModel(String code, List<String> parameterNames, double[] coldStart) {
        this.code = code;
        this.parameterNames = parameterNames;
        this.coldStart = coldStart;
    }

    /** The model's name in population_model.model, in column names and in {@code model.purchase-model}. */
    public String code() {
        return code;
    }

    /** A model of when customers buy (all but Gamma-Gamma, which models what they spend). */
    public boolean isPurchaseModel() {
        return this != GAMMA_GAMMA;
    }

    public List<String> parameterNames() {
        return parameterNames;
    }

    public int dimension() {
        return parameterNames.size();
    }

    public double[] coldStart() {
        return coldStart.clone();
    }

    /**
     * One customer's (or one distinct summary's) log-likelihood and gradient with respect to the log-parameters.
     * For the purchase models the summary is (x, t_x, T); for Gamma-Gamma it is (x, mean repeat spend, unused).
     */
    public double logLikelihoodAndGradient(double[] parameters, double first, double second, double third, double[] gradient) {
        if (this != GAMMA_GAMMA && third <= 0.0) {
            // A customer whose first purchase is on the as-of date (T = 0) has had no time to repeat: the
            // probability of what was observed is 1 whatever the parameters, so the contribution is exactly zero.
            java.util.Arrays.fill(gradient, 0.0);
            return 0.0;
        }
        return switch (this) {
            case BG_NBD -> BgNbd.logLikelihoodAndGradient(BgNbdParameters.fromArray(parameters), first, second, third, gradient);
            case PARETO_NBD -> ParetoNbd.logLikelihoodAndGradient(ParetoNbdParameters.fromArray(parameters), first, second, third, gradient);
            case MBG_NBD -> MbgNbd.logLikelihoodAndGradient(MbgNbdParameters.fromArray(parameters), first, second, third, gradient);
            case GAMMA_GAMMA -> GammaGamma.logLikelihoodAndGradient(GammaGammaParameters.fromArray(parameters), first, second, gradient);
        };
    }

    public static PopulationModel fromCode(String name) {
        for (PopulationModel kind : values()) {
            if (kind.code.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown model " + name);
    }
}
