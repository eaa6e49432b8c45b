package dev.onetoone.model;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.map_values;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.transform_values;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Computes each customer's preferences (categories, products, discounts, offers, channel, store, day and hour) as
 * of one date from the purchase lines up to and including that day, read from the accumulators of
 * {@code customer_state} ({@link CustomerStateStep}): a per-row computation over the state, with no pass over the
 * lines. {@link #compute} builds that state from the lines first, for a date without a stored state.
 *
 * <p><b>Lines used.</b> Purchase lines only: {@code purchase_date <= asOf} and {@code is_return = false}. A
 * customer appears in the output if and only if they have at least one such line; a customer who only returned
 * goods is absent. A basket is a {@code transaction_id}; lines without one form one basket per customer and day
 * (as in {@code rfm.frequency_orders}).
 *
 * <p><b>Time decay.</b> A line {@code d} days before the as-of date weighs {@code 0.5^(d / halfLifeDays)}, so with a
 * half-life of 10 days lines 0, 10 and 20 days old weigh 1, 0.5 and 0.25. Every decayed quantity below is either a
 * share within one customer or the argmax within one customer, both unchanged when all of that customer's weights are
 * multiplied by the same factor. The stage therefore measures ages from the customer's newest line that takes part
 * (for example the newest categorised line for category shares) instead of from the as-of date: the results are the
 * same, but the newest line always weighs exactly 1, so a short half-life and a long history cannot underflow every
 * weight to zero and turn a share into 0/0. Lines whose relative weight underflows are negligible by construction.
 * The state keeps each weight as a log relative to a fixed epoch; this stage rescales it to the customer's reference
 * day, {@code exp(log_weight − (reference − epoch) · ln 2 / h)}. A customer without new lines therefore keeps the
 * same preferences from night to night, as the same lines gave before.
 *
 * <p><b>Modes and ties.</b> A mode is the value with the largest decayed weight summed over the customer's lines (or
 * baskets, or days, as stated per column). Weights are compared after rounding to 9 decimal places, so that sums equal
 * up to floating-point rounding (which depends on the order Spark adds them in) are ties; ties go to the smallest
 * value (alphabetically first name or id, lowest day or hour number). Modes are the first entry of the customer's
 * weights sorted by (−rounded weight, value): no global window, nothing collected to the driver.
 *
 * <p><b>Columns</b> (none is null, NaN or infinite unless stated):
 * <ul>
 * <li>{@code as_of} (date): the as-of date.</li>
 * <li>{@code customer_id} (string).</li>
 * <li>{@code top_category} (string): the category with the largest decayed spend among the customer's lines with a
 *     category; null only if none of the customer's lines has a category. Spend is the line's {@code amount}; a
 *     zero-value line (free item, sample) counts as one cent ({@value CustomerStateStep#ZERO_VALUE_SPEND}), the smallest amount
 *     there is, so it still counts, but next to any paid line hardly at all.</li>
 * <li>{@code top_category_share} (double in [0, 1]): that category's share of the customer's decayed spend over
 *     lines with a category; 0 when there is no such line.</li>
 * <li>{@code category_shares} (map&lt;string, double&gt;): every category of the customer with its share of decayed
 *     spend as above, keys in alphabetical order; the shares sum to 1 (up to rounding); an empty map when no line
 *     has a category.</li>
 * <li>{@code favourite_products} (array&lt;string&gt;): up to {@code favouriteProducts} product ids, by decayed
 *     number of lines, largest first, ties by product id ascending; lines without a product id are skipped; empty
 *     when there are none. Ranked among the {@value CustomerStateStep#PRODUCTS_KEPT} products the state keeps.</li>
 * <li>{@code discount_share} (double in [0, 1]): share of the customer's lines with {@code discount > 0}, not
 *     decayed.</li>
 * <li>{@code price_sensitivity} (double in [0, 1]): {@code discount_share} shrunk towards the population:
 *     {@code (discounted_lines + k * p) / (lines + k)} with {@code k = sensitivityPriorLines} and {@code p} the share
 *     of all customers' lines with a discount. This is empirical-Bayes (beta-binomial) shrinkage towards the
 *     population share: the population share acts as a prior worth {@code k} lines, so a customer with two lines, one
 *     discounted, is not called 50% discount-driven; with many lines the customer's own share dominates.</li>
 * <li>{@code offer_redemptions} (long): number of baskets with at least one line with an {@code offer_id}.</li>
 * <li>{@code offer_response_rate} (double in [0, 1]): {@code offer_redemptions} / number of baskets (0 if there
 *     were no baskets, which cannot happen for a customer in the output).</li>
 * <li>{@code preferred_channel} (string): mode of the lines' channel by decayed number of lines; a line without a
 *     channel counts as {@code unknown}, as at ingest.</li>
 * <li>{@code preferred_channel_share} (double in [0, 1]): that channel's share of the decayed number of lines.</li>
 * <li>{@code preferred_store} (string): mode of {@code store_id} by decayed number of baskets, over lines with a
 *     store; null if the customer never bought in a store.</li>
 * <li>{@code preferred_day_of_week} (int, 1 = Monday ... 7 = Sunday): mode of the weekday of the customer's distinct
 *     purchase days, each day weighted by its decay.</li>
 * <li>{@code preferred_hour} (int 0-23): mode of the hour of {@code ts} (in the session time zone, the configured
 *     zone) by decayed number of baskets; null only if no line has a {@code ts}, which ingest does not allow.</li>
 * </ul>
 */
public final class PreferenceStep {
    /** Decimal places weights are rounded to before they are compared for a mode or an order. */
    static final int TIE_DECIMALS = 9;

    private final PreferenceSettings settings;

    public PreferenceStep(PreferenceSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Preferences from the transactions alone: a full fold of the state to {@code asOf}, then {@link #fromState}. */
    public Dataset<Row> compute(Dataset<Row> transactions, LocalDate asOf) {
        Dataset<Row> state = CustomerStateStep.fold(CustomerStateStep.empty(transactions.sparkSession()), transactions, null, asOf,
                settings.halfLifeDays());
        return fromState(state, asOf);
    }

    /**
     * Preferences of every customer of {@code state} (folded through {@code asOf}, with the state's own half-life)
     * who has a purchase line by {@code asOf}. One aggregate over the state gives the population's discount share.
     */
    public Dataset<Row> fromState(Dataset<Row> state, LocalDate asOf) {
        return fromState(state, asOf, List.of());
    }

    /**
     * {@link #fromState(Dataset, LocalDate)} with {@code carried} columns of the same state rows after
     * {@code customer_id}: other per-customer figures computed in the same pass over the state.
     */
    public Dataset<Row> fromState(Dataset<Row> state, LocalDate asOf, List<Column> carried) {
        Column asOfDate = lit(Date.valueOf(asOf));
        Dataset<Row> purchasers = state.where(col("purchase_lines").gt(0).and(col("first_purchase_date").leq(asOfDate)));
        Dataset<Row> population = purchasers.agg(
                try_divide(sum("discounted_lines").cast(DataTypes.DoubleType), sum("purchase_lines").cast(DataTypes.DoubleType))
                        .as("population_discount_share"));
        Column growth = lit(Math.log(2)).divide(col("decay_half_life_days"));
        Column categories = relative(col("category_log_weights"), col("last_category_date"), growth);
        Column channels = relative(col("channel_log_weights"), col("last_purchase_date"), growth);
        Column categoryTotal = total(categories);
        Column channelTotal = total(channels);
        Column topCategory = functions.get(ranked(categories), lit(0));
        Column topChannel = functions.get(ranked(channels), lit(0));
        double k = settings.sensitivityPriorLines();
        Column lineCount = col("purchase_lines").cast(DataTypes.DoubleType);
        List<Column> columns = new ArrayList<>(List.of(asOfDate.as("as_of"), col("customer_id")));
        columns.addAll(carried);
        columns.addAll(List.of(
                topCategory.getField("value").as("top_category"),
                coalesce(try_divide(topCategory.getField("weight"), categoryTotal), lit(0.0)).as("top_category_share"),
                // keys in alphabetical order: sort_array orders the (key, share) structs by key
                map_from_entries(sort_array(transform(map_entries(categories), entry -> struct(entry.getField("key").as("key"),
                        entry.getField("value").divide(categoryTotal).as("value"))))).as("category_shares"),
                transform(slice(ranked(relative(col("product_log_weights"), col("last_product_date"), growth)), 1,
                        settings.favouriteProducts()), entry -> entry.getField("value")).as("favourite_products"),
                col("discounted_lines").divide(lineCount).as("discount_share"),
                col("discounted_lines").plus(lit(k).multiply(coalesce(col("population_discount_share"), lit(0.0))))
                        .divide(lineCount.plus(lit(k))).as("price_sensitivity"),
                col("offer_baskets").as("offer_redemptions"),
                when(col("baskets").gt(0), col("offer_baskets").divide(col("baskets"))).otherwise(lit(0.0))
                        .as("offer_response_rate"),
                topChannel.getField("value").as("preferred_channel"),
                try_divide(topChannel.getField("weight"), channelTotal).as("preferred_channel_share"),
                mode(relative(col("store_log_weights"), col("last_store_date"), growth)).as("preferred_store"),
                mode(relative(col("day_of_week_log_weights"), col("last_purchase_date"), growth)).as("preferred_day_of_week"),
                mode(relative(col("hour_log_weights"), col("last_purchase_date"), growth)).as("preferred_hour")));
        return purchasers.crossJoin(broadcast(population)).select(columns.toArray(Column[]::new));
    }

    /** A map of log weights as weights relative to the reference day: exp(log_weight − (reference − epoch) · ln 2 / h). */
    private static Column relative(Column logWeights, Column referenceDate, Column growth) {
        Column offset = CustomerStateStep.daysFromEpoch(referenceDate).multiply(growth);
        return transform_values(logWeights, (key, logWeight) -> exp(logWeight.minus(offset)));
    }

    /** The sum of a map's weights. */
    private static Column total(Column weights) {
        return aggregate(map_values(weights), lit(0.0), (sum, weight) -> sum.plus(weight));
    }

    /** A map's entries as (order, value, weight), heaviest first by the weight rounded for ties, then by value. */
    private static Column ranked(Column weights) {
        return sort_array(transform(map_entries(weights), entry -> struct(
                round(entry.getField("value"), TIE_DECIMALS).unary_$minus().as("order"),
                entry.getField("key").as("value"),
                entry.getField("value").as("weight"))));
    }

    /** The value with the largest weight (ties to the smallest value); null for an empty map. */
    private static Column mode(Column weights) {
        return functions.get(ranked(weights), lit(0)).getField("value");
    }
}
