package dev.onetoone.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.Gradient;
import org.apache.spark.mllib.optimization.SquaredL2Updater;
import org.apache.spark.sql.SparkSession;

import breeze.optimize.FirstOrderMinimizer;
import scala.Tuple2;

/**
 * Fits the population models' objectives with the project's {@link MaximumLikelihoodFitter} and with Breeze's
 * L-BFGS (the optimiser Spark MLlib uses) from the same start, and prints, per case and optimiser, the final
 * negative log-likelihood, the parameters, the number of objective-and-gradient evaluations (each one is a Spark job
 * in a night), the iterations, the wall time, and whether the optimiser stopped at a finite point.
 *
 * <p>A measurement, not a test: it asserts nothing. Every evaluation of either optimiser is one local Spark job over
 * a one-row RDD, as in a night (where each evaluation is one aggregation), so wall times are comparable.
 *
 * <p>Breeze cannot be called from Java with a Java objective: a Java class cannot implement or extend
 * {@code breeze.optimize.DiffFunction} (javac: "apply(T) in CachedDiffFunction cannot implement apply(T1) in
 * Function1; return type double is not compatible with Object", the Scala-specialised {@code Function1[T, Double]}).
 * MLlib's Scala-private {@code LBFGS.CostFun} (reached by reflection), a DiffFunction over an RDD and an MLlib
 * {@link Gradient} (a Java-extendable class), is the Java-callable route, and the one MLlib itself takes. The optimisers compared are:
 * <ul>
 *   <li>{@code hand-written}: {@link MaximumLikelihoodFitter} with its default settings;</li>
 *   <li>{@code breeze}: {@code breeze.optimize.LBFGS} (memory 10, strong-Wolfe line search; the cost function in a
 *       {@code CachedDiffFunction}, as MLlib passes it) driven state by state,
 *       stopped by the same tests as the hand-written fitter (max-norm of the per-customer gradient 1e-7, relative
 *       change 1e-13, 500 iterations) or by Breeze's own line-search failure;</li>
 *   <li>{@code breeze (mllib stops)}: the same, stopped by Breeze's own tests only (tolerance 1e-12 on the
 *       relative function change over 20 iterations and on the gradient norm, line search failing twice, 500
 *       iterations), which is what {@code org.apache.spark.mllib.optimization.LBFGS.runLBFGS} runs.</li>
 * </ul>
 * The {@code converged} column applies the hand-written fitter's check to every final point: a stopping test
 * passed, no log-parameter beyond 20, and a positive definite observed information.
 *
 * <p>Run (from the repository root; see docs/BENCHMARKS.md):
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java $(spark module flags from pom.xml) -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     dev.onetoone.model.OptimiserComparison
 * </pre>
 */
final class OptimiserComparison {

    private static final Map<Integer, LogLikelihoodObjective> OBJECTIVES = new ConcurrentHashMap<>();
    private static final Map<Integer, AtomicLong> EVALUATIONS = new ConcurrentHashMap<>();

    private static final int MAX_ITERATIONS = 500;
    private static final int MEMORY = 10;
    private static final double GRADIENT_TOLERANCE = 1e-7;
    private static final double RELATIVE_TOLERANCE = 1e-13;
    private static final double BOUNDARY = 20.0;
    /** Convergence tolerance given to Breeze when it stops by its own tests (MLlib's LBFGS default is 1e-4). */
    private static final double MLLIB_TOLERANCE = 1e-12;

    private OptimiserComparison() {
    }

    /** One objective, start and penalty, fitted by each optimiser. */
    private record Case(String name, LogLikelihoodObjective objective, double[] start, double penalty) {
    }

    /** What one optimiser reached on one case. */
    private record Outcome(String optimiser, double negativeLogLikelihood, double[] parameters, long evaluations,
            int iterations, long millis, boolean finite, boolean converged, String stop) {
    }

    public static void main(String[] args) throws IOException {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("optimiser-comparison")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "1").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path repository = Path.of(args.length > 0 ? args[0] : ".");
        List<Case> cases = cases(repository);
        // One warm-up of Spark's job machinery so that the first case's wall time is not the JVM's.
        runCase(context, cases.get(0), 0, false);
        System.out.println("| case | optimiser | -log-likelihood | relative to hand-written | parameters "
                + "| evaluations | iterations | wall ms | finite | converged | stop |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < cases.size(); i++) {
            runCase(context, cases.get(i), i + 1, true);
        }
        spark.stop();
    }

    private static void runCase(JavaSparkContext context, Case fitCase, int key, boolean print) {
        OBJECTIVES.put(key, fitCase.objective());
        EVALUATIONS.put(key, new AtomicLong());
        List<Outcome> outcomes = List.of(handWritten(context, fitCase, key), breeze(context, fitCase, key, true),
                breeze(context, fitCase, key, false));
        if (!print) {
            return;
        }
        double reference = outcomes.get(0).negativeLogLikelihood();
        for (Outcome outcome : outcomes) {
            StringBuilder parameters = new StringBuilder();
            for (double parameter : outcome.parameters()) {
                parameters.append(parameters.length() == 0 ? "" : ", ").append(format(parameter, 5));
            }
            double difference = (outcome.negativeLogLikelihood() - reference) / Math.max(1.0, Math.abs(reference));
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %d | %d | %d | %s | %s | %s |%n",
                    fitCase.name(), outcome.optimiser(), format(outcome.negativeLogLikelihood(), 13),
                    outcome == outcomes.get(0) ? "" : String.format(Locale.ROOT, "%.1e", difference), parameters,
                    outcome.evaluations(), outcome.iterations(), outcome.millis(), outcome.finite() ? "yes" : "no",
                    outcome.converged() ? "yes" : "no", outcome.stop());
        }
    }

    private static String format(double value, int significant) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return String.format(Locale.ROOT, "%." + significant + "g", value);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The optimisers

    private static Outcome handWritten(JavaSparkContext context, Case fitCase, int key) {
        var settings = new MaximumLikelihoodFitter.Settings(MAX_ITERATIONS, GRADIENT_TOLERANCE, RELATIVE_TOLERANCE,
                fitCase.penalty(), MEMORY, BOUNDARY, false);
        LogLikelihoodObjective throughSpark = sparkJobObjective(context, key);
        long before = EVALUATIONS.get(key).get();
        long start = System.nanoTime();
        try {
            FitResult fit = new MaximumLikelihoodFitter(settings).fit(throughSpark, fitCase.start());
            long millis = (System.nanoTime() - start) / 1_000_000;
            long evaluations = EVALUATIONS.get(key).get() - before;
            double[] theta = logs(fit.parameters());
            boolean stoppingTestPassed = fit.converged() || fit.message().contains("on the boundary");
            return new Outcome("hand-written", -fit.logLikelihood(), fit.parameters(), evaluations,
                    fit.iterations(), millis, allFinite(fit.parameters()) && Double.isFinite(fit.logLikelihood()),
                    converged(fitCase, theta, stoppingTestPassed), fit.message());
        } catch (Exception failure) {
            return failed("hand-written", fitCase, key, before, start, failure);
        }
    }

    /**
     * Breeze's L-BFGS over MLlib's cost function, stopped by the hand-written fitter's tests
     * ({@code projectTests}) or by Breeze's own tests only, as MLlib's {@code LBFGS.runLBFGS} runs it.
     */
    private static Outcome breeze(JavaSparkContext context, Case fitCase, int key, boolean projectTests) {
        String optimiser = projectTests ? "breeze" : "breeze (mllib stops)";
        long customers = uncountedCustomers(fitCase);
        long before = EVALUATIONS.get(key).get();
        long start = System.nanoTime();
        try {
            breeze.optimize.DiffFunction<breeze.linalg.DenseVector<Object>> costFunction = costFunction(
                    dummyRow(context), new RegisteredGradient(key), fitCase.penalty(), Math.max(1L, customers));
            var minimizer = new breeze.optimize.LBFGS<breeze.linalg.DenseVector<Object>>(MAX_ITERATIONS, MEMORY,
                    projectTests ? RELATIVE_TOLERANCE : MLLIB_TOLERANCE, breeze.linalg.DenseVector.space_Double());
            @SuppressWarnings({"unchecked", "rawtypes"})
            scala.collection.Iterator<FirstOrderMinimizer.State<breeze.linalg.DenseVector<Object>, ?, ?>> states =
                    (scala.collection.Iterator) minimizer.iterations(new breeze.optimize.CachedDiffFunction<>(costFunction,
                            breeze.linalg.DenseVector.canCopyDenseVector(scala.reflect.ClassTag$.MODULE$.Double())),
                            new breeze.linalg.DenseVector$mcD$sp(logs(fitCase.start())));
            FirstOrderMinimizer.State<breeze.linalg.DenseVector<Object>, ?, ?> previous = null;
            FirstOrderMinimizer.State<breeze.linalg.DenseVector<Object>, ?, ?> state = null;
            String stop = "iteration limit reached";
            boolean stoppingTestPassed = false;
            while (states.hasNext()) {
                previous = state;
                state = states.next();
                if (!Double.isFinite(state.value())) {
                    stop = "objective not finite";
                    break;
                }
                if (projectTests && maxNorm(array(state.grad())) <= GRADIENT_TOLERANCE) {
                    stop = "gradient below tolerance";
                    stoppingTestPassed = true;
                    break;
                }
                if (projectTests && previous != null && state.iter() > previous.iter()) {
                    double change = Math.abs(previous.value() - state.value());
                    double scale = Math.max(1.0, Math.max(Math.abs(previous.value()), Math.abs(state.value())));
                    if (change <= RELATIVE_TOLERANCE * scale) {
                        stop = "relative change below tolerance";
                        stoppingTestPassed = true;
                        break;
                    }
                }
                if (state.searchFailed()) {
                    stop = "breeze: line search failed twice";
                    break;
                }
                if (state.convergenceReason().isDefined()) {
                    stop = "breeze: " + state.convergenceReason().get().reason();
                    stoppingTestPassed = !stop.contains("max iterations");
                    break;
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            long evaluations = EVALUATIONS.get(key).get() - before;
            double[] theta = array(state.x());
            return finalOutcome(optimiser, fitCase, theta, evaluations, state.iter(), millis, stoppingTestPassed, stop);
        } catch (Exception failure) {
            return failed(optimiser, fitCase, key, before, start, failure);
        }
    }

    private static Outcome finalOutcome(String optimiser, Case fitCase, double[] theta, long evaluations,
            int iterations, long millis, boolean stoppingTestPassed, String stop) {
        double[] parameters = exps(theta);
        double logLikelihood = uncountedLogLikelihood(fitCase, theta);
        boolean finite = allFinite(parameters) && Double.isFinite(logLikelihood);
        return new Outcome(optimiser, -logLikelihood, parameters, evaluations, iterations, millis, finite,
                finite && converged(fitCase, theta, stoppingTestPassed), stop);
    }

    private static Outcome failed(String optimiser, Case fitCase, int key, long before, long start,
            Exception failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Outcome(optimiser, Double.NaN, new double[fitCase.start().length],
                EVALUATIONS.get(key).get() - before, 0, millis, false, false,
                "exception: " + root.getClass().getSimpleName());
    }

    /** The hand-written fitter's convergence check, applied to any final point. */
    private static boolean converged(Case fitCase, double[] theta, boolean stoppingTestPassed) {
        if (!stoppingTestPassed) {
            return false;
        }
        for (double component : theta) {
            if (!(Math.abs(component) <= BOUNDARY)) {
                return false;
            }
        }
        long customers = uncountedCustomers(fitCase);
        double[][] information = MaximumLikelihoodFitter.observedInformation(fitCase.objective(), theta);
        for (int i = 0; i < theta.length; i++) {
            for (int j = 0; j < theta.length; j++) {
                information[i][j] /= Math.max(1L, customers);
            }
            information[i][i] += fitCase.penalty();
        }
        return MaximumLikelihoodFitter.isPositiveDefinite(information);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Objectives evaluated as one Spark job each, counted

    /** The registered objective evaluated inside a one-task Spark job, as a night evaluates its aggregate. */
    private static LogLikelihoodObjective sparkJobObjective(JavaSparkContext context, int key) {
        return theta -> {
            double[] packed;
            try {
                packed = context.parallelize(List.of(key), 1).map(k -> {
                    EVALUATIONS.get(k).incrementAndGet();
                    LogLikelihoodObjective.Evaluation evaluation = OBJECTIVES.get(k).evaluate(theta);
                    double[] gradient = evaluation.gradientWrtLogParameters();
                    double[] row = new double[gradient.length + 2];
                    row[0] = evaluation.logLikelihood();
                    System.arraycopy(gradient, 0, row, 1, gradient.length);
                    row[gradient.length + 1] = evaluation.customers();
                    return row;
                }).collect().get(0);
            } catch (Exception failure) {
                // A task's IllegalArgumentException reaches the driver wrapped in a SparkException; unwrapped, the
                // hand-written fitter sees it as it would on the driver.
                for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                    if (cause instanceof IllegalArgumentException illegal) {
                        throw illegal;
                    }
                }
                throw new IllegalStateException(failure);
            }
            return new LogLikelihoodObjective.Evaluation(packed[0], Arrays.copyOfRange(packed, 1, packed.length - 1),
                    (long) packed[packed.length - 1]);
        };
    }

    /**
     * MLlib's {@code LBFGS.CostFun} (Scala-private, public in bytecode), reached by reflection: the one concrete
     * DiffFunction on the classpath that calls a Java-extendable class for its value and gradient.
     */
    @SuppressWarnings("unchecked")
    private static breeze.optimize.DiffFunction<breeze.linalg.DenseVector<Object>> costFunction(
            org.apache.spark.rdd.RDD<Tuple2<Object, Vector>> data, Gradient gradient, double penalty, long customers) {
        try {
            var constructor = Class.forName("org.apache.spark.mllib.optimization.LBFGS$CostFun").getConstructor(
                    org.apache.spark.rdd.RDD.class, Gradient.class, org.apache.spark.mllib.optimization.Updater.class,
                    double.class, long.class);
            return (breeze.optimize.DiffFunction<breeze.linalg.DenseVector<Object>>) constructor.newInstance(data,
                    gradient, new SquaredL2Updater(), penalty, customers);
        } catch (ReflectiveOperationException unavailable) {
            throw new IllegalStateException("MLlib's LBFGS.CostFun is not available", unavailable);
        }
    }

    private static JavaRDD<Tuple2<Object, Vector>> dummyRowJava(JavaSparkContext context) {
        return context.parallelize(List.of(new Tuple2<Object, Vector>(0.0, Vectors.dense(0.0))), 1);
    }

    private static org.apache.spark.rdd.RDD<Tuple2<Object, Vector>> dummyRow(JavaSparkContext context) {
        return dummyRowJava(context).rdd();
    }

    /**
     * MLlib's per-example gradient, here the whole negated log-likelihood of the registered objective on the one
     * row: MLlib's cost function divides the sum by the customers and adds the L2 penalty (0.5 penalty |theta|^2,
     * the same as the hand-written fitter's).
     */
    private static final class RegisteredGradient extends Gradient {
        private final int key;

        RegisteredGradient(int key) {
            this.key = key;
        }

        @Override
        public double compute(Vector data, double label, Vector weights, Vector cumulativeGradient) {
            EVALUATIONS.get(key).incrementAndGet();
            LogLikelihoodObjective.Evaluation evaluation = OBJECTIVES.get(key).evaluate(weights.toArray());
            double[] gradient = evaluation.gradientWrtLogParameters();
            double[] sum = ((DenseVector) cumulativeGradient).values();
            for (int i = 0; i < gradient.length; i++) {
                sum[i] -= gradient[i];
            }
            return -evaluation.logLikelihood();
        }
    }

    private static long uncountedCustomers(Case fitCase) {
        try {
            return fitCase.objective().evaluate(logs(fitCase.start())).customers();
        } catch (IllegalArgumentException outOfRange) {
            return 1L;
        }
    }

    private static double uncountedLogLikelihood(Case fitCase, double[] theta) {
        try {
            return fitCase.objective().evaluate(theta).logLikelihood();
        } catch (IllegalArgumentException outOfRange) {
            return Double.NaN;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The cases

    private static List<Case> cases(Path repository) throws IOException {
        List<Case> cases = new ArrayList<>();
        double[][] cdnow = CdnowFitTest.summaries();
        double[] ones = {1.0, 1.0, 1.0, 1.0};
        cases.add(new Case("CDNOW BG/NBD, cold", InMemoryObjective.bgNbd(cdnow[0], cdnow[1], cdnow[2], null), ones, 0));
        cases.add(new Case("CDNOW BG/NBD, warm from the published values",
                InMemoryObjective.bgNbd(cdnow[0], cdnow[1], cdnow[2], null), new double[] {0.243, 4.414, 0.793, 2.426},
                0));
        cases.add(new Case("CDNOW Pareto/NBD, cold", InMemoryObjective.paretoNbd(cdnow[0], cdnow[1], cdnow[2], null),
                ones, 0));
        cases.add(new Case("CDNOW MBG/NBD, cold", InMemoryObjective.mbgNbd(cdnow[0], cdnow[1], cdnow[2], null), ones,
                0));
        cases.add(new Case("Gamma-Gamma, simulated 20,000 (p 6, q 3.8, gamma 15), cold", MaximumLikelihoodFitterTest.simulatedGammaGamma(),
                PopulationModel.GAMMA_GAMMA.coldStart(), 0));
        Path sample = repository.resolve("data-samples/sample/transactions.csv.gz");
        if (Files.exists(sample)) {
            Map<String, double[]> summaries = sampleSummaries(sample, LocalDate.of(2025, 12, 31));
            cases.add(new Case("sample BG/NBD, cold", weightedPurchaseObjective(summaries, PopulationModel.BG_NBD),
                    ones, 0));
            cases.add(new Case("sample Pareto/NBD, cold",
                    weightedPurchaseObjective(summaries, PopulationModel.PARETO_NBD), ones, 0));
            cases.add(new Case("sample Gamma-Gamma, cold", weightedSpendObjective(summaries),
                    PopulationModel.GAMMA_GAMMA.coldStart(), 0));
        }
        int customers = 1_000;
        double[] zeros = new double[customers];
        double[] ages = new double[customers];
        Arrays.fill(ages, 52.0);
        double[] bgTruth = {0.75, 4.0, 0.8, 2.6};
        cases.add(new Case("no repeat purchases, BG/NBD (supremum on the boundary)",
                InMemoryObjective.bgNbd(zeros, zeros, ages, null), bgTruth, 0));
        cases.add(new Case("no repeat purchases, BG/NBD, L2 penalty 0.1 (as a night fits it)",
                InMemoryObjective.bgNbd(zeros, zeros, ages, null), bgTruth, 0.1));
        cases.add(new Case("no repeat purchases, Pareto/NBD (supremum on the boundary)",
                InMemoryObjective.paretoNbd(Arrays.copyOf(zeros, 200), Arrays.copyOf(zeros, 200),
                        Arrays.copyOf(ages, 200), null), new double[] {0.75, 4.0, 0.6, 12.0}, 0));
        double[] start = {Math.exp(-2.0), Math.exp(2.0)};
        cases.add(new Case("log-barrier, NaN where abs(log theta) >= 3 (optimum at log theta = (2, -2))",
                logBarrier(false), start, 0));
        cases.add(new Case("log-barrier, IllegalArgumentException where abs(log theta) >= 3", logBarrier(true), start, 0));
        return cases;
    }

    /**
     * log(3 - t0) + t0 + log(3 + t1) - t1, concave, maximal at t = (2, -2) and undefined (NaN, or an exception) where
     * |t_i| &ge; 3. From t = (-2, 2) the gradient barely changes over the first step, so the secant curvature is small
     * and the next quasi-Newton step lands far outside the domain, as a BTYD likelihood's steps can when a parameter
     * heads for 0 or infinity.
     */
    private static LogLikelihoodObjective logBarrier(boolean throwOutside) {
        return theta -> {
            if (Math.abs(theta[0]) >= 3.0 || Math.abs(theta[1]) >= 3.0) {
                if (throwOutside) {
                    throw new IllegalArgumentException("parameter out of range");
                }
                return new LogLikelihoodObjective.Evaluation(Double.NaN, new double[] {Double.NaN, Double.NaN}, 1L);
            }
            double value = Math.log(3.0 - theta[0]) + theta[0] + Math.log(3.0 + theta[1]) - theta[1];
            return new LogLikelihoodObjective.Evaluation(value,
                    new double[] {1.0 - 1.0 / (3.0 - theta[0]), 1.0 / (3.0 + theta[1]) - 1.0}, 1L);
        };
    }

    /**
     * Per customer of the shipped sample as of a date: {x, t_x, T (weeks), mean repeat spend}, following
     * {@link CustomerSummaries} (day grain; a day's spend is the sum of its purchase lines, amount &gt; 0).
     */
    private static Map<String, double[]> sampleSummaries(Path file, LocalDate asOf) throws IOException {
        Map<String, TreeMap<LocalDate, Double>> days = new HashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            String header = reader.readLine();
            List<String> columns = Arrays.asList(header.split(","));
            int customer = columns.indexOf("customer_id");
            int timestamp = columns.indexOf("ts");
            int amountColumn = columns.indexOf("amount");
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] fields = line.split(",", -1);
                double amount = Double.parseDouble(fields[amountColumn]);
                LocalDate day = LocalDate.parse(fields[timestamp].substring(0, 10));
                if (amount <= 0.0 || day.isAfter(asOf)) {
                    continue;
                }
                days.computeIfAbsent(fields[customer], id -> new TreeMap<>()).merge(day, amount, Double::sum);
            }
        }
        Map<String, double[]> summaries = new HashMap<>();
        for (var entry : days.entrySet()) {
            TreeMap<LocalDate, Double> spends = entry.getValue();
            LocalDate first = spends.firstKey();
            int x = spends.size() - 1;
            double total = spends.values().stream().mapToDouble(Double::doubleValue).sum();
            double meanRepeat = x == 0 ? 0.0 : (total - spends.firstEntry().getValue()) / x;
            summaries.put(entry.getKey(), new double[] {x, ChronoUnit.DAYS.between(first, spends.lastKey()) / 7.0,
                ChronoUnit.DAYS.between(first, asOf) / 7.0, meanRepeat});
        }
        return summaries;
    }

    /** Distinct (x, t_x, T) with the number of customers sharing them as weight, as a night fits them. */
    private static LogLikelihoodObjective weightedPurchaseObjective(Map<String, double[]> summaries,
            PopulationModel kind) {
        Map<List<Double>, Double> weights = new HashMap<>();
        for (double[] summary : summaries.values()) {
            weights.merge(List.of(summary[0], summary[1], summary[2]), 1.0, Double::sum);
        }
        return modelObjective(kind, columns(weights, 3));
    }

    /** Distinct (x, mean repeat spend to the cent) of repeat customers with their counts, as a night fits them. */
    private static LogLikelihoodObjective weightedSpendObjective(Map<String, double[]> summaries) {
        Map<List<Double>, Double> weights = new HashMap<>();
        for (double[] summary : summaries.values()) {
            if (summary[0] >= 1 && summary[3] > 0) {
                weights.merge(List.of(summary[0], Math.round(summary[3] * 100.0) / 100.0), 1.0, Double::sum);
            }
        }
        double[][] columns = columns(weights, 2);
        return modelObjective(PopulationModel.GAMMA_GAMMA,
                new double[][] {columns[0], columns[1], new double[columns[0].length], columns[2]});
    }

    /**
     * The weighted sum a night's {@link DistributedObjective} computes, over {x or first, second, third, weight}
     * columns, through {@link PopulationModel#logLikelihoodAndGradient} (which also handles T = 0).
     */
    private static LogLikelihoodObjective modelObjective(PopulationModel kind, double[][] columns) {
        return logParameters -> {
            double[] parameters = exps(logParameters);
            ValueAndGradient sum = new ValueAndGradient(kind.dimension());
            double[] gradient = new double[kind.dimension()];
            for (int row = 0; row < columns[0].length; row++) {
                double value = kind.logLikelihoodAndGradient(parameters, columns[0][row], columns[1][row],
                        columns[2][row], gradient);
                sum.add(columns[3][row], value, gradient);
            }
            return sum.toEvaluation();
        };
    }

    private static double[][] columns(Map<List<Double>, Double> weights, int width) {
        double[][] columns = new double[width + 1][weights.size()];
        int row = 0;
        for (var entry : weights.entrySet()) {
            for (int k = 0; k < width; k++) {
                columns[k][row] = entry.getKey().get(k);
            }
            columns[width][row] = entry.getValue();
            row++;
        }
        return columns;
    }

    // ---------------------------------------------------------------------------------------------------------

    private static double[] array(breeze.linalg.DenseVector<Object> vector) {
        double[] values = new double[vector.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (Double) vector.apply(i);
        }
        return values;
    }

    private static double[] logs(double[] values) {
        return Arrays.stream(values).map(Math::log).toArray();
    }

    private static double[] exps(double[] values) {
        return Arrays.stream(values).map(Math::exp).toArray();
    }

    private static boolean allFinite(double[] values) {
        return Arrays.stream(values).allMatch(Double::isFinite);
    }

    private static double maxNorm(double[] values) {
        return Arrays.stream(values).map(Math::abs).max().orElse(0.0);
    }
}
