package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.config.ConfigException;
import dev.onetoone.io.Tables;
import dev.onetoone.results.OffPolicyEvaluation;
import dev.onetoone.results.OfferOutcomes;
import dev.onetoone.results.PolicyEstimator;
import dev.onetoone.results.TargetPolicy;

/**
 * {@code evaluate-policy}: estimates, from the offers decided with as_of in [from, to] and their outcomes as
 * {@code offer-results} measures them ({@link OfferOutcomes#perOffer}), what each target policy would have earned
 * ({@link OffPolicyEvaluation}), and replaces the policy_evaluation rows of that period, so a rerun is idempotent.
 */
public final class PolicyEvaluationRunner {
    public static final String STAGE = "evaluate_policy";

    private final RunContext context;
    private final RunLog runLog;

    public PolicyEvaluationRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    /** The estimates and the stage's counts. */
    public record Outcome(StageResult stage, OffPolicyEvaluation.Result evaluation) {
    }

    /**
     * Evaluates the logged policy, sending every planned offer, sending nothing, and {@code alternatives}, in that
     * order.
     */
    public Outcome run(LocalDate from, LocalDate to, List<TargetPolicy> alternatives) {
        if (to.isBefore(from)) {
            throw new ConfigException("--to " + to + " is before --from " + from);
        }
        List<TargetPolicy> policies = new ArrayList<>(List.of(TargetPolicy.logged(), TargetPolicy.sendAllPlanned(), TargetPolicy.sendNothing()));
        policies.addAll(alternatives);
        OffPolicyEvaluation.Result[] evaluation = new OffPolicyEvaluation.Result[1];
        StageResult stage = runLog.run(STAGE, to, () -> {
            evaluation[0] = evaluate(from, to, policies);
            return stageResult(from, to, evaluation[0]);
        });
        return new Outcome(stage, evaluation[0]);
    }

    private OffPolicyEvaluation.Result evaluate(LocalDate from, LocalDate to, List<TargetPolicy> policies) {
        var warehouse = context.warehouse();
        if (!warehouse.exists(Tables.OFFERS)) {
            throw new ConfigException("the warehouse " + warehouse.root() + " has no offers table: run offers first");
        }
        Dataset<Row> offers = warehouse.read(Tables.OFFERS)
                .where(col("as_of").geq(lit(Date.valueOf(from))).and(col("as_of").leq(lit(Date.valueOf(to)))));
        Dataset<Row> earlier = warehouse.read(Tables.OFFERS).where(col("as_of").lt(lit(Date.valueOf(from))));
        Dataset<Row> outcomes = OfferOutcomes.perOffer(offers, earlier, warehouse.read(Tables.TRANSACTIONS), warehouse.read(Tables.PRODUCTS))
                .select(col("as_of").as("outcome_as_of"), col("offer_id").as("outcome_offer_id"), col("margin"));
        Dataset<Row> slots = offers.join(outcomes, offers.col("as_of").equalTo(outcomes.col("outcome_as_of"))
                        .and(offers.col("offer_id").equalTo(outcomes.col("outcome_offer_id"))))
                .withColumn("step", col("discount_percent").plus(col("discount_amount")).plus(col("bonus_points").cast("double")))
                .select(OffPolicyEvaluation.SLOT_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            requireLoggedCampaigns(slots, policies, from, to);
            OffPolicyEvaluation.Result result = OffPolicyEvaluation.evaluate(slots, policies);
            write(from, to, result);
            return result;
        } finally {
            slots.unpersist();
        }
    }

    /** A policy that names a campaign without offers in the period is a typo or the wrong period: say which. */
    private static void requireLoggedCampaigns(Dataset<Row> slots, List<TargetPolicy> policies, LocalDate from, LocalDate to) {
        if (policies.stream().allMatch(policy -> policy.perCampaign().isEmpty())) {
            return;
        }
        // one row per campaign: small by construction
        List<String> logged = slots.select("campaign_id").distinct().collectAsList().stream().map(row -> row.getString(0)).sorted().toList();
        for (TargetPolicy policy : policies) {
            for (String campaign : new java.util.TreeSet<>(policy.perCampaign().keySet())) {
                if (!logged.contains(campaign)) {
                    throw new ConfigException(policy.option() + ": campaign '" + campaign + "' has no offers decided from " + from + " to " + to
                            + " (campaigns with offers: " + logged + ")");
                }
            }
        }
    }

    private void write(LocalDate from, LocalDate to, OffPolicyEvaluation.Result result) {
        Timestamp now = Timestamp.from(context.now());
        List<Row> rows = new ArrayList<>();
        for (var policy : result.policies()) {
            for (var estimate : policy.estimates()) {
                long slots = result.slots();
                var increment = policy.increment(estimate.estimator());
                rows.add(RowFactory.create(Date.valueOf(from), Date.valueOf(to), policy.policy().name(), policy.policy().definition(),
                        estimate.estimator(), slots, policy.sums().matched(), policy.sums().unsupported(), estimate.estimable(),
                        valueOrNull(estimate, estimate.valuePerSlot()), valueOrNull(estimate, estimate.ciLow()), valueOrNull(estimate, estimate.ciHigh()),
                        valueOrNull(estimate, estimate.valuePerSlot() * slots), valueOrNull(estimate, estimate.ciLow() * slots),
                        valueOrNull(estimate, estimate.ciHigh() * slots), valueOrNull(increment, increment.valuePerSlot()),
                        valueOrNull(increment, increment.ciLow()), valueOrNull(increment, increment.ciHigh()),
                        finite(policy.effectiveSampleSize()), finite(result.observedReward()),
                        estimate.note(), now));
            }
        }
        var warehouse = context.warehouse();
        warehouse.overwriteWhere(Tables.POLICY_EVALUATION, warehouse.spark().createDataFrame(rows, Tables.POLICY_EVALUATION.schema()),
                "from_date = DATE'" + from + "' AND to_date = DATE'" + to + "'");
    }

    /** The value when the estimate is estimable and finite; null otherwise, so no NaN or infinity reaches the table. */
    private static Double valueOrNull(PolicyEstimator.Estimate estimate, double value) {
        return estimate.estimable() && Double.isFinite(value) ? value : null;
    }

    private static double finite(double value) {
        return Double.isFinite(value) ? value : 0.0;
    }

    private static StageResult stageResult(LocalDate from, LocalDate to, OffPolicyEvaluation.Result result) {
        var details = new LinkedHashMap<String, Long>();
        result.rowsByGroup().forEach((group, rows) -> details.put(group + "_rows", rows));
        details.put("slots", result.slots());
        details.put("unrandomised_rows", result.unrandomised());
        long notEstimable = result.policies().stream().filter(policy -> !policy.estimates().get(0).estimable()).count();
        details.put("policies_not_estimable", notEstimable);
        details.put(StageResult.WARNINGS, notEstimable > 0 || result.unrandomised() > 0 || result.slots() == 0 ? 1L : 0L);
        long logged = result.rowsByGroup().values().stream().mapToLong(Long::longValue).sum();
        return new StageResult(STAGE, logged, (long) result.policies().size() * 3, 0, message(from, to, result), details);
    }

    /** The estimates as a fixed-width table, with the notes that qualify them. */
    static String message(LocalDate from, LocalDate to, OffPolicyEvaluation.Result result) {
        var text = new StringBuilder(String.format(Locale.ROOT,
                "evaluate-policy for offers decided %s to %s: %d planned offers evaluated (treatment and control rows), logged rows %s%n",
                from, to, result.slots(), result.rowsByGroup()));
        text.append(String.format(Locale.ROOT, "  reward: margin in the validity window minus contact cost when sent; observed %.4f per slot%n",
                result.observedReward()));
        text.append(String.format(Locale.ROOT, "  %-32s %8s %9s %11s %23s %11s %23s %12s %25s%n", "policy", "matched", "ess", "ips/slot",
                "95% CI ips", "dr/slot", "95% CI dr", "dr total", "dr over nothing [95% CI]"));
        List<String> notes = new ArrayList<>();
        for (var policy : result.policies()) {
            var ips = policy.estimate(PolicyEstimator.IPS);
            var dr = policy.estimate(PolicyEstimator.DOUBLY_ROBUST);
            if (!ips.estimable()) {
                text.append(String.format(Locale.ROOT, "  %-32s %8d %9s %11s %23s %11s %23s %12s %25s%n", policy.policy().name(),
                        policy.sums().matched(), "-", "-", "not estimable", "-", "-", "-", "-"));
                notes.add(policy.policy().name() + ": " + ips.note());
                continue;
            }
            var increment = policy.increment(PolicyEstimator.DOUBLY_ROBUST);
            text.append(String.format(Locale.ROOT, "  %-32s %8d %9.1f %11.4f %23s %11.4f %23s %12.2f %25s%n", policy.policy().name(),
                    policy.sums().matched(), policy.effectiveSampleSize(), ips.valuePerSlot(),
                    String.format(Locale.ROOT, "[%.4f, %.4f]", ips.ciLow(), ips.ciHigh()), dr.valuePerSlot(),
                    String.format(Locale.ROOT, "[%.4f, %.4f]", dr.ciLow(), dr.ciHigh()), dr.valuePerSlot() * result.slots(),
                    increment.estimable() ? String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", increment.valuePerSlot(), increment.ciLow(),
                            increment.ciHigh()) : "-"));
        }
        for (var policy : result.policies()) {
            text.append("  ").append(policy.policy().name()).append(": ").append(policy.policy().definition()).append('\n');
        }
        for (String note : notes) {
            text.append("  warning: ").append(note).append('\n');
        }
        if (result.unrandomised() > 0) {
            text.append(String.format(Locale.ROOT, "  warning: %d treatment or control rows are on nights without both groups (no randomisation) and are left out%n",
                    result.unrandomised()));
        }
        if (result.slots() == 0) {
            text.append("  no randomised planned offers in the period: nothing can be estimated\n");
        }
        return text.toString().stripTrailing();
    }
}
