package dev.onetoone.simulation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.io.JobDescription;
import dev.onetoone.io.LocalFiles;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.offers.OfferGroup;
import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.PolicyEvaluationRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.results.OffPolicyEvaluation;
import dev.onetoone.results.TargetPolicy;

/**
 * Off-policy evaluation checked against the simulator's truth, on a warehouse loaded from a generated sample.
 *
 * <p>The log: the engine's offers of one night (treatment, control, holdout and explore rows), repeated in
 * {@code waves} as the closed loop does ({@link ClosedLoopExperiment}: wave w dated w x gap days later, new offer
 * ids, treatment and control split again by a salted draw with the engine's control share and given that group's
 * assignment probability; holdout and explore rows kept). The simulated customers answer it
 * ({@link OfferResponseSimulator}), the answers are ingested into a warehouse of its own (under the work directory,
 * written afresh by every run) and {@code evaluate-policy} estimates each policy from that log alone.
 *
 * <p>The truth: each policy is run in the simulator on the same planned offers, each sent or withheld as the policy
 * says, and its value is the expectation, over the simulated purchase decisions, of the reward evaluate-policy
 * measures. The simulator draws every row's basket and purchase day from a stream of its own (seed and offer id)
 * whatever the row's group, so a row B buys with the simulator's true chance (p_with when sent, p_without when
 * withheld), a basket of margin m_B, less the discount d_B when sent, on a uniform day of its window. The window
 * margin of a planned offer A then has the expectation
 * {@code sum over the rows B of A's customer of e_B x overlap(A, B) / days(B)}, e_B = p_with (m_B - d_B) when B
 * is sent and p_without m_B when withheld: A's own basket, and the baskets of the customer's other offers that fall
 * in A's window, as offer-results counts them. The reward subtracts A's contact cost when A is sent. Holdout and
 * explore rows keep their logged action under every policy.
 */
public final class PolicyClosedLoop {
    /**
     * @param sample        the generated sample the source warehouse was loaded from
     * @param workDirectory where the log's warehouse and simulated responses are written
     * @param seed          seed of the response simulation
     * @param elasticity    the simulated customers' response elasticity
     * @param waves         how many times the night's decisions are repeated (at least 1)
     * @param salt          salt of the waves' control split
     */
    public record Settings(Path sample, Path workDirectory, long seed, double elasticity, int waves, String salt) {
        public Settings {
            if (waves < 1) {
                throw new IllegalArgumentException("waves must be at least 1, got " + waves);
            }
        }
    }

    /** One policy: its true value per planned offer (NaN for a steps policy, which is not run) and the estimates. */
    public record PolicyTruth(OffPolicyEvaluation.PolicyResult estimated, double trueValuePerSlot) {
    }

    /** The log's period, the evaluation and each policy's truth, in the order evaluated. */
    public record Result(LocalDate from, LocalDate to, OffPolicyEvaluation.Result evaluation, List<PolicyTruth> policies) {
    }

    private final RunContext source;
    private final Settings settings;

    public PolicyClosedLoop(RunContext source, Settings settings) {
        this.source = source;
        this.settings = settings;
    }

    /** Logs the waves of the offers of {@code asOf}, evaluates the policies from the log, and runs them in the simulator. */
    public Result run(LocalDate asOf, List<TargetPolicy> alternatives) throws IOException {
        Warehouse warehouse = source.warehouse();
        if (!warehouse.exists(Tables.OFFERS)) {
            throw new IllegalArgumentException("the warehouse " + warehouse.root() + " has no offers table: run offers first");
        }
        Dataset<Row> night = warehouse.readAsOf(Tables.OFFERS, asOf);
        Row span = night.agg(max(date_diff(col("valid_to"), col("as_of")))).first();
        if (span.isNullAt(0)) {
            throw new IllegalArgumentException("no offers with as_of " + asOf + " in " + warehouse.root());
        }
        int gap = span.getInt(0) + 1;
        LocalDate to = asOf.plusDays((long) gap * (settings.waves() - 1));

        Path directory = settings.workDirectory().resolve("logged");
        LocalFiles.deleteRecursively(directory);
        RunContext context = new RunContext(source.runId(), source.config(),
                new Warehouse(warehouse.spark(), directory.resolve("warehouse").toString()), source.clock());
        Warehouse logWarehouse = context.warehouse();
        logWarehouse.overwrite(Tables.OFFERS, waves(night, gap));
        Path responses = directory.resolve("responses");
        var simulator = new OfferResponseSimulator(warehouse.spark(), settings.seed(), settings.elasticity());
        simulator.simulate(logWarehouse.read(Tables.OFFERS), settings.sample(), responses);
        RunLog log = new RunLog(context);
        new IngestRunner(context, log).ingest(new IngestRequest(Optional.of(responses.resolve("transactions.csv").toString()), Optional.empty(),
                Optional.of(settings.sample().resolve("products.csv").toString())), null, to.plusDays(gap));
        var outcome = new PolicyEvaluationRunner(context, log).run(asOf, to, alternatives);

        List<TargetPolicy> policies = outcome.evaluation().policies().stream().map(OffPolicyEvaluation.PolicyResult::policy).toList();
        double[] truths = truths(logWarehouse.read(Tables.OFFERS), simulator, policies);
        List<PolicyTruth> results = new ArrayList<>();
        for (int index = 0; index < policies.size(); index++) {
            // another step changes the discount and so the simulated response: these rows cannot run it
            boolean runnable = policies.get(index).kind() != TargetPolicy.Kind.STEPS;
            results.add(new PolicyTruth(outcome.evaluation().policies().get(index), runnable ? truths[index] : Double.NaN));
        }
        return new Result(asOf, to, outcome.evaluation(), results);
    }

    /** The night's rows repeated in waves, treatment and control split again per wave (see the class comment). */
    private Dataset<Row> waves(Dataset<Row> night, int gap) {
        var offers = source.config().offers();
        double regular = 1 - offers.holdoutShare() - offers.exploreShare();
        Column planned = col("offer_group").isin(OfferGroup.TREATMENT.value(), OfferGroup.CONTROL.value()).and(Waves.first().unary_$bang());
        Column control = Waves.control(settings.salt(), offers.controlShare());
        Dataset<Row> repeated = Waves.repeat(night, settings.waves(), gap)
                .withColumn("assignment_probability", when(planned.and(control), lit(regular * offers.controlShare()))
                        .when(planned, lit(regular * (1 - offers.controlShare()))).otherwise(col("assignment_probability")))
                .withColumn("offer_group", when(planned.and(control), lit(OfferGroup.CONTROL.value())).when(planned, lit(OfferGroup.TREATMENT.value()))
                        .otherwise(col("offer_group")));
        return Waves.inColumnsOf(night, repeated);
    }

    /**
     * The true value per planned offer of each policy (see the class comment): the simulator's chances and baskets
     * per row, each policy's send probability on the planned offers, and the overlap of each planned offer's window
     * with the customer's other windows; one row of sums per policy.
     */
    private double[] truths(Dataset<Row> offers, OfferResponseSimulator simulator, List<TargetPolicy> policies) throws IOException {
        var spark = offers.sparkSession();
        JobDescription.set(spark, "policy_closed_loop", "the simulator's truth per policy");
        Dataset<Row> truth = simulator.outcomes(offers, settings.sample())
                .select(col("offer_id").as("truth_offer_id"), col("p_purchase_with_offer").as("true_with"),
                        col("p_purchase_without_offer").as("true_without"), col("basket_margin"), col("discount"));
        Dataset<Row> rows = offers.join(truth, col("offer_id").equalTo(col("truth_offer_id")))
                .withColumn("margin", lit(0.0))
                .withColumn("step", col("discount_percent").plus(col("discount_amount")).plus(col("bonus_points").cast("double")))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> planned = OffPolicyEvaluation.randomisedSlots(rows);
            List<String> send = new ArrayList<>();
            for (int index = 0; index < policies.size(); index++) {
                planned = planned.withColumn("send_" + index, policies.get(index).sendProbability());
                send.add("send_" + index);
            }
            Dataset<Row> others = rows.where(col("offer_group").isin(OfferGroup.TREATMENT.value(), OfferGroup.CONTROL.value()).unary_$bang());
            for (int index = 0; index < policies.size(); index++) {
                others = others.withColumn("send_" + index, when(OfferGroup.isSent(col("offer_group")), 1.0).otherwise(0.0));
            }
            List<Column> columns = new ArrayList<>(List.of(col("offer_id"), col("customer_id"), col("valid_from"), col("valid_to"),
                    col("true_with"), col("true_without"), col("basket_margin"), col("discount"), col("contact")));
            send.forEach(name -> columns.add(col(name)));
            Dataset<Row> slots = planned.select(columns.toArray(Column[]::new));
            Dataset<Row> windows = slots.unionByName(others.withColumn("contact", lit(0.0)).select(columns.toArray(Column[]::new)));
            List<Column> purchaseColumns = new ArrayList<>(List.of(col("customer_id").as("b_customer"), col("valid_from").as("b_from"),
                    col("valid_to").as("b_to")));
            for (String name : send) {
                // e_B: the expected margin of row B's basket under the policy's action
                Column probability = col(name);
                purchaseColumns.add(probability.multiply(col("true_with")).multiply(col("basket_margin").minus(col("discount")))
                        .plus(lit(1.0).minus(probability).multiply(col("true_without")).multiply(col("basket_margin"))).as("b_" + name));
            }
            Dataset<Row> purchases = windows.select(purchaseColumns.toArray(Column[]::new));
            Column overlap = greatest(lit(0), date_diff(least(col("valid_to"), col("b_to")), greatest(col("valid_from"), col("b_from"))).plus(1));
            Column share = overlap.cast("double").divide(date_diff(col("b_to"), col("b_from")).plus(1).cast("double"));
            List<Column> marginSums = new ArrayList<>();
            List<Column> contactSums = new ArrayList<>();
            for (String name : send) {
                marginSums.add(sum(col("b_" + name).multiply(share)).as("margin_" + name));
                contactSums.add(sum(col(name).multiply(col("contact"))).as("contact_" + name));
            }
            // one row of sums each: small by construction
            Row margins = slots.join(purchases, col("customer_id").equalTo(col("b_customer")))
                    .agg(marginSums.get(0), marginSums.subList(1, marginSums.size()).toArray(Column[]::new)).first();
            Row contacts = slots.agg(count(lit(1)).as("slots"), contactSums.toArray(Column[]::new)).first();
            double n = contacts.getLong(0);
            double[] values = new double[policies.size()];
            for (int index = 0; index < policies.size(); index++) {
                String name = send.get(index);
                values[index] = n == 0 || margins.isNullAt(margins.fieldIndex("margin_" + name)) ? 0
                        : (margins.<Double>getAs("margin_" + name) - contacts.<Double>getAs("contact_" + name)) / n;
            }
            return values;
        } finally {
            JobDescription.clear(spark);
            rows.unpersist();
        }
    }
}
