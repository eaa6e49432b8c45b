package dev.onetoone.results;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.spark.sql.Column;

/**
 * A policy a marketer can ask about, as what it does with each planned offer (a treatment or control row: the offer
 * the engine chose for a customer and campaign): send it, withhold it, or send it at another discount step.
 * <ul>
 *   <li>{@code logged}: what the engine ran, treatment with its logged probability and control otherwise; its
 *   estimate is the mean observed reward, a check of the machinery.</li>
 *   <li>{@code send_all_planned}: every planned offer sent, no control group.</li>
 *   <li>{@code send_nothing}: no offer sent.</li>
 *   <li>{@code min_expected_incremental_margin} / {@code min_net_expected_margin}: a planned offer sent only when its
 *   logged score is at least the threshold (net_expected_margin falls back to expected_incremental_margin on rows
 *   logged before contact costs).</li>
 *   <li>{@code max_offers_per_night}: per night and named campaign, only the N planned offers with the highest
 *   net_expected_margin sent; other campaigns as planned.</li>
 *   <li>{@code steps}: the named campaigns' planned offers sent at the given step instead; other campaigns as
 *   planned. The engine draws other steps only for explore customers, never for a planned offer, so a planned offer
 *   whose step differs has zero logging propensity and the policy cannot be estimated unless its steps are those
 *   already planned.</li>
 * </ul>
 *
 * @param name        short name, the key of its rows in policy_evaluation
 * @param definition  what it does, in words with its parameters
 * @param kind        which rule
 * @param threshold   the threshold of the two threshold rules (0 otherwise)
 * @param perCampaign the per-campaign caps or steps of max_offers_per_night and steps (empty otherwise)
 */
public record TargetPolicy(String name, String definition, Kind kind, double threshold, Map<String, Double> perCampaign) {
    /** The rules. */
    public enum Kind {
        LOGGED, SEND_ALL_PLANNED, SEND_NOTHING, MIN_EXPECTED_INCREMENTAL_MARGIN, MIN_NET_EXPECTED_MARGIN, MAX_OFFERS_PER_NIGHT, STEPS
    }

    public TargetPolicy {
        perCampaign = Map.copyOf(perCampaign);
    }

    public static TargetPolicy logged() {
        return new TargetPolicy("logged", "as run: treatment with its logged probability, control otherwise", Kind.LOGGED, 0, Map.of());
    }

    public static TargetPolicy sendAllPlanned() {
        return new TargetPolicy("send_all_planned", "every planned offer sent (no control group)", Kind.SEND_ALL_PLANNED, 0, Map.of());
    }

    public static TargetPolicy sendNothing() {
        return new TargetPolicy("send_nothing", "no offer sent", Kind.SEND_NOTHING, 0, Map.of());
    }

    public static TargetPolicy minExpectedIncrementalMargin(double threshold) {
        return new TargetPolicy("min_expected_incremental_margin", "planned offers with expected_incremental_margin >= " + format(threshold),
                Kind.MIN_EXPECTED_INCREMENTAL_MARGIN, threshold, Map.of());
    }

    public static TargetPolicy minNetExpectedMargin(double threshold) {
        return new TargetPolicy("min_net_expected_margin", "planned offers with net_expected_margin >= " + format(threshold),
                Kind.MIN_NET_EXPECTED_MARGIN, threshold, Map.of());
    }

    /** Per campaign, the most offers sent per night, the highest net_expected_margin first. */
    public static TargetPolicy maxOffersPerNight(Map<String, Integer> caps) {
        Map<String, Double> values = new TreeMap<>();
        caps.forEach((campaign, cap) -> values.put(campaign, cap.doubleValue()));
        return new TargetPolicy("max_offers_per_night", "per night at most " + describe(values) + " planned offers, highest net_expected_margin first",
                Kind.MAX_OFFERS_PER_NIGHT, 0, values);
    }

    /** Per campaign, the step (percent, amount or points, as the campaign's form) of every planned offer. */
    public static TargetPolicy steps(Map<String, Double> steps) {
        return new TargetPolicy("steps", "planned offers sent at step " + describe(new TreeMap<>(steps)), Kind.STEPS, 0, steps);
    }

    /** The evaluate-policy option that asks for this policy, for messages; empty for the built-in ones. */
    public String option() {
        return switch (kind) {
            case MIN_EXPECTED_INCREMENTAL_MARGIN -> "--min-expected-incremental-margin";
            case MIN_NET_EXPECTED_MARGIN -> "--min-net-expected-margin";
            case MAX_OFFERS_PER_NIGHT -> "--max-offers-per-night";
            case STEPS -> "--step";
            default -> "";
        };
    }

    /**
     * The probability that the policy sends the planned offer of a slot, on the columns of
     * {@link OffPolicyEvaluation#randomisedSlots}: q_send (the logging probability of sending), expected_incremental_margin, score
     * and score_rank (rank by score within night and campaign, 1 the highest), campaign_id and step.
     */
    public Column sendProbability() {
        return switch (kind) {
            case LOGGED -> col("q_send");
            case SEND_ALL_PLANNED, STEPS -> lit(1.0);
            case SEND_NOTHING -> lit(0.0);
            case MIN_EXPECTED_INCREMENTAL_MARGIN -> when(col("expected_incremental_margin").geq(threshold), 1.0).otherwise(0.0);
            case MIN_NET_EXPECTED_MARGIN -> when(col("score").geq(threshold), 1.0).otherwise(0.0);
            case MAX_OFFERS_PER_NIGHT -> {
                Column send = lit(1.0);
                for (var cap : new TreeMap<>(perCampaign).entrySet()) {
                    send = when(col("campaign_id").equalTo(cap.getKey()), when(col("score_rank").leq(cap.getValue()), 1.0).otherwise(0.0))
                            .otherwise(send);
                }
                yield send;
            }
        };
    }

    /** True on a slot where the policy takes an action the logging policy never takes there. */
    Column unsupported() {
        if (kind != Kind.STEPS) {
            return lit(false);
        }
        Column unsupported = lit(false);
        for (var step : new TreeMap<>(perCampaign).entrySet()) {
            unsupported = when(col("campaign_id").equalTo(step.getKey()), col("step").notEqual(step.getValue())).otherwise(unsupported);
        }
        return unsupported;
    }

    private static String describe(Map<String, Double> values) {
        return values.entrySet().stream().map(entry -> entry.getKey() + "=" + format(entry.getValue())).collect(Collectors.joining(", "));
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : String.format(Locale.ROOT, "%s", value);
    }
}
