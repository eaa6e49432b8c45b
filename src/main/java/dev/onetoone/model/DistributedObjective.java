package dev.onetoone.model;

import org.apache.spark.api.java.JavaRDD;

/**
 * The log-likelihood of a population model summed over a distributed table of customer summaries, one Spark
 * aggregation per evaluation: each partition sums the weighted per-summary value and gradient
 * ({@link ValueAndGradient}), and only that sum (a handful of doubles) reaches the driver. The summaries are
 * {@code [first, second, third, weight]} arrays, usually distinct (x, t_x, T) triples with the number of customers
 * sharing them as weight. Callers should cache the RDD: the optimiser evaluates it tens of times.
 */
public final class DistributedObjective implements LogLikelihoodObjective {
    private final JavaRDD<double[]> summaries;
    private final PopulationModel kind;

    public DistributedObjective(JavaRDD<double[]> summaries, PopulationModel kind) {
        this.summaries = summaries;
        this.kind = kind;
    }

    @Override
    public Evaluation evaluate(double[] logParameters) {
        final double[] parameters = new double[logParameters.length];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = Math.exp(logParameters[i]);
        }
        final PopulationModel model = kind;
        final int dimension = kind.dimension();
        ValueAndGradient total = summaries.treeAggregate(new ValueAndGradient(dimension), (sum, row) -> {
            double[] gradient = new double[dimension];
            double value = model.logLikelihoodAndGradient(parameters, row[0], row[1], row[2], gradient);
            return sum.add(row[3], value, gradient);
        }, ValueAndGradient::merge);
        return total.toEvaluation();
    }
}
