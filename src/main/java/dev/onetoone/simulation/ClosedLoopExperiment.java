package dev.onetoone.simulation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.onetoone.io.LocalFiles;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.offers.OfferGroup;
import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.OfferResultsRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.results.OfferLift;
import dev.onetoone.results.OfferOutcomes;

/**
 * The closed loop on a generated sample: the offers the engine decided for one night, and the same offers given to
 * customers drawn at random ({@link RandomTargeting}: the same number of offers, the same terms, the same control
 * groups), are each answered by the simulated customers from their truth ({@link OfferResponseSimulator}); the
 * responses are ingested into a warehouse of their own per arm ({@code targeted} and {@code random} under the work
 * directory, deleted and written afresh by every run) and {@code offer-results} measures each arm against its control
 * group. The result holds, per arm, the truth the simulator knew and what offer-results measured.
 *
 * <p>Waves. One night of a small sample makes a few hundred offers, and the increment of an offer is small next to
 * the spread of what customers spend, so one night rarely tells two targetings apart. The experiment can repeat the
 * night's decisions in {@code waves}: wave w is dated {@code w x gap} days later (gap: the longest validity plus one
 * day, so the windows of one customer never overlap), with new offer ids, and its treatment and control rows split
 * again by a salted draw per wave with the engine's control share; holdout rows stay withheld. Like a campaign rerun
 * on the same selection with a fresh randomisation every time, the waves are independent experiments, and
 * offer-results measures them together over the period.
 *
 * <p>Explore rows are left out of both arms: they are not chosen by the engine, and offer-results leaves them out
 * of the lift.
 */
public final class ClosedLoopExperiment {
    public static final String TARGETED = "targeted";
    public static final String RANDOM = "random";

    /**
     * @param sample        the generated sample the source warehouse was loaded from
     * @param workDirectory where the two arms' warehouses and simulated responses are written
     * @param seed          seed of the response simulation
     * @param elasticity    the simulated customers' response elasticity
     * @param waves         how many times the night's decisions are repeated (at least 1)
     * @param salt          salt of the random draw of customers and of the waves' control split
     */
    public record Settings(Path sample, Path workDirectory, long seed, double elasticity, int waves, String salt) {
        public Settings {
            if (waves < 1) {
                throw new IllegalArgumentException("waves must be at least 1, got " + waves);
            }
        }
    }

    /** What offer-results measured for one campaign, or all: a row of offer_results. */
    public record Measured(String campaignId, long offersSent, long withheldRows, double incrementalMargin, double ciLow, double ciHigh) {
        public double standardError() {
            return (ciHigh - ciLow) / (2 * OfferLift.Z_95);
        }
    }

    /**
     * One arm: the simulator's truth per campaign and group, what offer-results measured (all last), and the contact
     * cost of its sent (treatment) offers, the sum of their {@code contact_cost}.
     */
    public record Arm(String name, ResponseSummary truth, List<Measured> measured, double contactCost) {
        public Measured all() {
            return measured.get(measured.size() - 1);
        }

        /** The true expected incremental margin of the treated (treatment) rows. */
        public double trueIncrement() {
            return truth.groups().stream().filter(group -> group.offerGroup().equals(OfferGroup.TREATMENT.value()))
                    .mapToDouble(ResponseSummary.GroupTruth::trueExpectedIncrementalMargin).sum();
        }

        /** The discount the treated rows' simulated purchases took: the budget the arm actually spent. */
        public double discountGiven() {
            return truth.groups().stream().filter(group -> group.offerGroup().equals(OfferGroup.TREATMENT.value()))
                    .mapToDouble(ResponseSummary.GroupTruth::discountGiven).sum();
        }

        /** The true incremental margin of the sent offers less what sending them cost: the arm's true profit. */
        public double trueNetIncrement() {
            return trueIncrement() - contactCost;
        }

        /** The measured incremental margin of all campaigns less the contact cost of the sent offers. */
        public double measuredNetIncrement() {
            return all().incrementalMargin() - contactCost;
        }
    }

    /** Both arms over the offers decided from {@code from} to {@code to}, and the difference targeted minus random. */
    public record Result(Arm targeted, Arm random, LocalDate from, LocalDate to) {
        public double measuredDifference() {
            return targeted.all().incrementalMargin() - random.all().incrementalMargin();
        }

        /** Standard error of the measured difference: the arms are independent experiments. */
        public double differenceStandardError() {
            return Math.hypot(targeted.all().standardError(), random.all().standardError());
        }

        public double trueDifference() {
            return targeted.trueIncrement() - random.trueIncrement();
        }

        /**
         * The measured difference in profit net of contact costs. Both arms send the same offers on the same channels,
         * so their contact costs are equal and this equals {@link #measuredDifference}; it is computed from the costs
         * rather than assumed, and its standard error is {@link #differenceStandardError} (the costs are known, not
         * measured).
         */
        public double measuredNetDifference() {
            return targeted.measuredNetIncrement() - random.measuredNetIncrement();
        }

        public double trueNetDifference() {
            return targeted.trueNetIncrement() - random.trueNetIncrement();
        }
    }

    private final RunContext source;
    private final Settings settings;

    public ClosedLoopExperiment(RunContext source, Settings settings) {
        this.source = source;
        this.settings = settings;
    }

    /** Runs both arms for the offers of {@code asOf} in the source warehouse. */
    public Result run(LocalDate asOf) throws IOException {
        Warehouse warehouse = source.warehouse();
        if (!warehouse.exists(Tables.OFFERS)) {
            throw new IllegalArgumentException("the warehouse " + warehouse.root() + " has no offers table: run offers first");
        }
        Dataset<Row> night = warehouse.readAsOf(Tables.OFFERS, asOf).where(col("offer_group").isin(OfferGroup.TREATMENT.value(), OfferGroup.CONTROL.value(), OfferGroup.HOLDOUT.value()));
        Row span = night.agg(max(date_diff(col("valid_to"), col("as_of")))).first();
        if (span.isNullAt(0)) {
            throw new IllegalArgumentException("no treatment, control or holdout offers with as_of " + asOf + " in " + warehouse.root());
        }
        int gap = span.getInt(0) + 1;
        Dataset<Row> targeted = waves(night, gap);
        Dataset<Row> random = RandomTargeting.reassign(targeted, warehouse.read(Tables.CUSTOMERS), settings.salt());
        LocalDate to = asOf.plusDays((long) gap * (settings.waves() - 1));
        LocalDate lastDay = to.plusDays(gap);
        return new Result(arm(TARGETED, targeted, asOf, to, lastDay), arm(RANDOM, random, asOf, to, lastDay), asOf, to);
    }

    /** The night's rows repeated in waves, each re-split between treatment and control (see the class comment). */
    private Dataset<Row> waves(Dataset<Row> night, int gap) {
        double controlShare = source.config().offers().controlShare();
        Dataset<Row> repeated = Waves.repeat(night, settings.waves(), gap)
                .withColumn("offer_group", when(Waves.first(), col("offer_group"))
                        .when(col("offer_group").equalTo(OfferGroup.HOLDOUT.value()), lit(OfferGroup.HOLDOUT.value()))
                        .when(Waves.control(settings.salt(), controlShare), lit(OfferGroup.CONTROL.value()))
                        .otherwise(lit(OfferGroup.TREATMENT.value())));
        return Waves.inColumnsOf(night, repeated);
    }

    private Arm arm(String name, Dataset<Row> offers, LocalDate from, LocalDate to, LocalDate lastDay) throws IOException {
        Path directory = settings.workDirectory().resolve(name);
        LocalFiles.deleteRecursively(directory);
        RunContext context = new RunContext(source.runId(), source.config(),
                new Warehouse(source.warehouse().spark(), directory.resolve("warehouse").toString()), source.clock());
        Warehouse armWarehouse = context.warehouse();
        armWarehouse.overwrite(Tables.OFFERS, offers);
        Path responses = directory.resolve("responses");
        ResponseSummary truth = new OfferResponseSimulator(armWarehouse.spark(), settings.seed(), settings.elasticity())
                .simulate(armWarehouse.read(Tables.OFFERS), settings.sample(), responses);
        RunLog log = new RunLog(context);
        new IngestRunner(context, log).ingest(new IngestRequest(Optional.of(responses.resolve("transactions.csv").toString()), Optional.empty(),
                Optional.of(settings.sample().resolve("products.csv").toString())), null, lastDay);
        new OfferResultsRunner(context, log).run(from, to);
        // one row per campaign and one for all: small by construction
        List<Measured> measured = new ArrayList<>();
        for (Row row : armWarehouse.read(Tables.OFFER_RESULTS).orderBy(when(col("campaign_id").equalTo(OfferOutcomes.ALL), 1).otherwise(0),
                col("campaign_id")).collectAsList()) {
            measured.add(new Measured(row.getAs("campaign_id"), row.<Long>getAs("offers_sent"), row.<Long>getAs("control_customers"),
                    row.<Double>getAs("incremental_margin"), row.<Double>getAs("incremental_margin_ci_low"),
                    row.<Double>getAs("incremental_margin_ci_high")));
        }
        // one figure: the contact cost of the arm's sent offers (null before contact costs were counted: 0)
        Row cost = armWarehouse.read(Tables.OFFERS).where(col("offer_group").equalTo(OfferGroup.TREATMENT.value()))
                .agg(sum(coalesce(col("contact_cost"), lit(0.0)))).first();
        return new Arm(name, truth, measured, cost.isNullAt(0) ? 0.0 : cost.getDouble(0));
    }
}
