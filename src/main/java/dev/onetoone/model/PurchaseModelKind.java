package dev.onetoone.model;

import java.util.List;

/** The population models fitted at scale, with their conventional parameter names. */
public enum PurchaseModelKind {
    BG_NBD("bg_nbd", List.of("r", "alpha", "a", "b"), new double[] {1.0, 1.0, 1.0, 1.0}),
    PARETO_NBD("pareto_nbd", List.of("r", "alpha", "s", "beta"), new double[] {1.0, 1.0, 1.0, 1.0}),
    MBG_NBD("mbg_nbd", List.of("r", "alpha", "a", "b"), new double[] {1.0, 1.0, 1.0, 1.0}),
    GAMMA_GAMMA("gamma_gamma", List.of("p", "q", "gamma"), new double[] {1.0, 2.0, 1.0});

    private final String tableName;
    private final List<String> parameterNames;
    private final double[] coldStart;

    PurchaseModelKind(String tableName, List<String> parameterNames, double[] coldStart) {
        this.tableName = tableName;
        this.parameterNames = parameterNames;
        this.coldStart = coldStart;
    }

    /** Name in {@code population_model.model}. */
    public String tableName() {
        return tableName;
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

    public static PurchaseModelKind fromTableName(String name) {
        for (PurchaseModelKind kind : values()) {
            if (kind.tableName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown model " + name);
    }
}
