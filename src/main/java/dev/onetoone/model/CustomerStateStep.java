package dev.onetoone.model;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.map_zip_with;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.transform_keys;
import static org.apache.spark.sql.functions.weekday;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.io.Tables;

/**
 * Each customer's sufficient statistics, folded day by day: everything the rfm and model stages need, so that a night
 * reads only its new lines and the state of the customers they touch.
 *
 * <p><b>Purchase days.</b> Transactions are collapsed to distinct purchase days (returns excluded, as in the BTYD
 * literature's day-level counting); a day's spend is the sum of its purchase lines. {@code purchase_days} (x + 1),
 * first and last purchase day, {@code first_day_spend}, {@code total_spend}, and the sum and sum of squares of the
 * gaps between consecutive purchase days. {@code net_spend} adds the returns (every line's amount, for rfm's
 * monetary value); a customer who has only returned goods so far has a row with {@code purchase_days = 0} and no
 * purchase dates, so that the returns still count once they buy.
 *
 * <p><b>Preference accumulators</b> (purchase lines only). Counts: {@code purchase_lines}, {@code discounted_lines}
 * (discount &gt; 0), {@code baskets} (distinct transaction ids, a line without one being its day's basket) and
 * {@code offer_baskets} (baskets with a redeemed offer). Time-decayed weights per value, as maps from the value to the
 * natural log of the weight: categories (spend), products (lines), channels (lines), stores (baskets), days of the
 * week (purchase days, 1 = Monday) and hours (baskets, by the hour of {@code ts}). A line on day d with value v
 * contributes {@code v · 2^((d − epoch) / h)} with h the half-life and epoch {@value #EPOCH_TEXT}: ageing every
 * weight by the same factor does not change a share or a mode, so a weight relative to a fixed epoch never needs a
 * rescan, and a reader rescales it to any reference date by subtracting {@code (reference − epoch) · ln 2 / h} from
 * the log. Kept as logs, the weights cannot overflow (a day adds ln 2 / h to the log: 20 years with h = 1 day reach
 * only about 5,000) and two partial sums combine exactly with log-add-exp, so folding days 1-3 and then 4-6 gives the
 * state of folding days 1-6, up to floating-point rounding (about 1e-15 relative).
 *
 * <p>Within one fold, the terms are summed relative to the customer's newest purchase day in that fold, so that none
 * of them overflows; a value whose every term underflows relative to that day (more than about 1,000 half-lives
 * older) keeps the log of its largest term instead, a weight that is negligible next to the others either way. The
 * newest day with a category, a product and a store are kept, since those are the reference days of their shares.
 *
 * <p><b>Bound.</b> The product map keeps the {@value #PRODUCTS_KEPT} heaviest products (ties by product id) of
 * each customer. As all weights age alike, the order of the kept products never changes between nights; the bound
 * can only make an incremental state differ from a rebuild when a customer has more than {@value #PRODUCTS_KEPT}
 * distinct products and a product that was dropped later gets new lines: its dropped weight is then missing. A
 * rebuild keeps the same bound, from the full sums.
 *
 * <p><b>Baskets across nights.</b> A basket is counted in the fold that sees its first line; a transaction id whose
 * lines carry two purchase dates folded on different nights counts twice, where a rebuild counts it once (ingest
 * derives every line's date from its own timestamp, so this takes an order spanning midnight).
 */
public final class CustomerStateStep {
    /** The fixed reference day of the decayed weights; changing it requires a rebuild of the state. */
    public static final LocalDate EPOCH = LocalDate.of(2000, 1, 1);
    static final String EPOCH_TEXT = "2000-01-01";
    /** Products kept per customer in {@code product_log_weights}. */
    public static final int PRODUCTS_KEPT = 50;
    /** Spend that a line with amount 0 (or, defensively, below one cent) counts as in category weights. */
    static final double ZERO_VALUE_SPEND = 0.01;

    private static final DataType STRING_WEIGHTS = DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType);
    private static final DataType NUMBER_WEIGHTS = DataTypes.createMapType(DataTypes.IntegerType, DataTypes.DoubleType);
    private static final List<String> STRING_MAPS = List.of("category_log_weights", "product_log_weights",
            "channel_log_weights", "store_log_weights");
    private static final List<String> NUMBER_MAPS = List.of("day_of_week_log_weights", "hour_log_weights");

    private CustomerStateStep() {
    }

    /**
     * Folds the lines dated after {@code foldedThrough} (exclusive; null for a full build) up to and including
     * {@code asOf} into {@code state}, with the default half-life. Returns the complete new state.
     */
    public static Dataset<Row> fold(Dataset<Row> state, Dataset<Row> transactions, LocalDate foldedThrough, LocalDate asOf) {
        return fold(state, transactions, foldedThrough, asOf, PreferenceSettings.defaults().halfLifeDays());
    }

    /** Like {@link #fold(Dataset, Dataset, LocalDate, LocalDate)} with the given half-life of the decayed weights. */
    public static Dataset<Row> fold(Dataset<Row> state, Dataset<Row> transactions, LocalDate foldedThrough, LocalDate asOf,
            double halfLifeDays) {
        return fold(state, transactions, foldedThrough, asOf, halfLifeDays, Customers.ALL);
    }

    /** Like {@link #fold} but returns only the customers with new lines, for a MERGE into the state table. */
    public static Dataset<Row> foldChanged(Dataset<Row> state, Dataset<Row> transactions, LocalDate foldedThrough, LocalDate asOf,
            double halfLifeDays) {
        return fold(state, transactions, foldedThrough, asOf, halfLifeDays, Customers.WITH_NEW_LINES);
    }

    /** Which customers a fold returns, and the join of the state with the night's increment that gives them. */
    private enum Customers {
        /** Every customer of the state or of the new lines. */
        ALL("full_outer"),
        /** Only the customers with new lines (their state rows, if any, folded with the lines). */
        WITH_NEW_LINES("right_outer");

        private final String joinType;

        Customers(String joinType) {
            this.joinType = joinType;
        }
    }

    /**
     * The lines a fold reads: dated after {@code foldedThrough} (exclusive; null for a full build) up to and including
     * {@code asOf}.
     */
    public static Column foldWindow(LocalDate foldedThrough, LocalDate asOf) {
        Column window = col("purchase_date").leq(lit(Date.valueOf(asOf)));
        return foldedThrough == null ? window : window.and(col("purchase_date").gt(lit(Date.valueOf(foldedThrough))));
    }

    /** {@code ln 2 / h}: the growth of a log weight per day. */
    public static double logGrowthPerDay(double halfLifeDays) {
        return Math.log(2) / halfLifeDays;
    }

    /** Days from the epoch to a date column. */
    public static Column daysFromEpoch(Column date) {
        return date_diff(date, lit(Date.valueOf(EPOCH))).cast(DataTypes.DoubleType);
    }

    private static Dataset<Row> fold(Dataset<Row> state, Dataset<Row> transactions, LocalDate foldedThrough, LocalDate asOf,
            double halfLifeDays, Customers customers) {
        Column window = foldWindow(foldedThrough, asOf);
        Column isPurchase = col("is_return").unary_$bang();
        // One shuffle by customer; every aggregate below is per customer and reuses that partitioning.
        Dataset<Row> lines = transactions.where(window).select(
                        col("customer_id"),
                        col("purchase_date"),
                        col("ts"),
                        col("is_return"),
                        col("amount"),
                        coalesce(col("transaction_id"), concat(lit("day:"), col("purchase_date").cast("string"))).as("basket"),
                        col("category"),
                        col("product_id"),
                        coalesce(col("channel"), lit("unknown")).as("channel"),
                        col("store_id"),
                        col("offer_id"),
                        coalesce(col("discount"), lit(0)).gt(0).as("discounted"),
                        greatest(coalesce(col("amount").cast(DataTypes.DoubleType), lit(0.0)), lit(ZERO_VALUE_SPEND)).as("spend"))
                .withColumn("reference_date", max(when(isPurchase, col("purchase_date"))).over(Window.partitionBy("customer_id")));
        Dataset<Row> purchases = lines.where(isPurchase);

        Dataset<Row> increment = lines.groupBy("customer_id").agg(sum(col("amount")).cast(Tables.MONEY).as("new_net_spend"))
                .join(purchaseDays(purchases), "customer_id", "left")
                .join(counts(purchases), "customer_id", "left")
                .join(weights(purchases, halfLifeDays), "customer_id", "left");

        if (customers == Customers.WITH_NEW_LINES) {
            // Only the state rows of the customers with new lines can join: those few are picked out where the state is
            // read (the customers' ids broadcast), so the join shuffles them, not the whole state (at 100,000
            // customers 40 MB a night for some hundreds of changed rows).
            state = state.join(broadcast(increment.select("customer_id")), new String[] {"customer_id"}, "left_semi");
        }
        Dataset<Row> joined = state.as("s").join(increment.as("n"), col("s.customer_id").equalTo(col("n.customer_id")),
                customers.joinType);
        Column bridge = when(col("s.last_purchase_date").isNotNull().and(col("n.new_first").isNotNull()),
                date_diff(col("n.new_first"), col("s.last_purchase_date")).cast(DataTypes.DoubleType)).otherwise(lit(0.0));
        Column zeroMoney = lit(0).cast(Tables.MONEY);
        Column zeroCount = lit(0L);
        List<Column> columns = new java.util.ArrayList<>(List.of(
                coalesce(col("s.customer_id"), col("n.customer_id")).as("customer_id"),
                (coalesce(col("s.purchase_days"), lit(0)).plus(coalesce(col("n.new_days"), lit(0)))).as("purchase_days"),
                coalesce(col("s.first_purchase_date"), col("n.new_first")).as("first_purchase_date"),
                coalesce(col("n.new_last"), col("s.last_purchase_date")).as("last_purchase_date"),
                coalesce(col("s.first_day_spend"), col("n.new_first_spend")).as("first_day_spend"),
                // spend stays in exact decimals so that folding in any order gives the same sums as a rebuild
                coalesce(col("s.total_spend"), zeroMoney).plus(coalesce(col("n.new_spend"), zeroMoney)).cast(Tables.MONEY).as("total_spend"),
                coalesce(col("s.net_spend"), zeroMoney).plus(coalesce(col("n.new_net_spend"), zeroMoney)).cast(Tables.MONEY).as("net_spend"),
                coalesce(col("s.sum_gap_days"), lit(0.0)).plus(coalesce(col("n.new_gap"), lit(0.0))).plus(bridge).as("sum_gap_days"),
                coalesce(col("s.sum_squared_gap_days"), lit(0.0)).plus(coalesce(col("n.new_gap_squared"), lit(0.0)))
                        .plus(bridge.multiply(bridge)).as("sum_squared_gap_days")));
        for (String name : List.of("purchase_lines", "discounted_lines", "baskets", "offer_baskets")) {
            columns.add(coalesce(col("s." + name), zeroCount).plus(coalesce(col("n." + name), zeroCount)).as(name));
        }
        for (String name : List.of("last_category_date", "last_product_date", "last_store_date")) {
            columns.add(coalesce(col("n." + name), col("s." + name)).as(name));
        }
        for (String name : STRING_MAPS) {
            Column merged = addLogWeights(col("s." + name), col("n." + name), STRING_WEIGHTS);
            columns.add((name.equals("product_log_weights") ? heaviest(merged, PRODUCTS_KEPT) : merged).as(name));
        }
        for (String name : NUMBER_MAPS) {
            columns.add(addLogWeights(col("s." + name), col("n." + name), NUMBER_WEIGHTS).as(name));
        }
        columns.add(lit(halfLifeDays).as("decay_half_life_days"));
        columns.add(lit(Date.valueOf(asOf)).as("state_as_of"));
        return joined.select(columns.toArray(Column[]::new));
    }

    /** Purchase days, first and last day, spends and gaps of the new purchase days. */
    private static Dataset<Row> purchaseDays(Dataset<Row> purchases) {
        Dataset<Row> days = purchases.groupBy("customer_id", "purchase_date")
                .agg(sum(col("amount")).cast(Tables.MONEY).as("day_spend"));
        // Gaps between consecutive new days of one customer; a window per customer, never a global one.
        Dataset<Row> withGaps = days.withColumn("gap",
                date_diff(col("purchase_date"), lag(col("purchase_date"), 1).over(Window.partitionBy("customer_id").orderBy("purchase_date"))));
        return withGaps.groupBy("customer_id").agg(
                count(lit(1)).cast(DataTypes.IntegerType).as("new_days"),
                min("purchase_date").as("new_first"),
                max("purchase_date").as("new_last"),
                min_by(col("day_spend"), col("purchase_date")).as("new_first_spend"),
                sum("day_spend").cast(Tables.MONEY).as("new_spend"),
                coalesce(sum(col("gap").cast(DataTypes.DoubleType)), lit(0.0)).as("new_gap"),
                coalesce(sum(col("gap").cast(DataTypes.DoubleType).multiply(col("gap"))), lit(0.0)).as("new_gap_squared"));
    }

    /** Line, discount, basket and offer counts, and the newest days with a category, a product and a store. */
    private static Dataset<Row> counts(Dataset<Row> purchases) {
        return purchases.groupBy("customer_id").agg(
                count(lit(1)).as("purchase_lines"),
                count(when(col("discounted"), lit(1))).as("discounted_lines"),
                count_distinct(col("basket")).as("baskets"),
                count_distinct(when(col("offer_id").isNotNull(), col("basket"))).as("offer_baskets"),
                max(when(col("category").isNotNull(), col("purchase_date"))).as("last_category_date"),
                max(when(col("product_id").isNotNull(), col("purchase_date"))).as("last_product_date"),
                max(when(col("store_id").isNotNull(), col("purchase_date"))).as("last_store_date"));
    }

    /**
     * The six decayed weight maps of the new lines, from one aggregation over (customer, kind, value): each kind
     * contributes rows (value, day, reference day, amount), collapsed first where the unit is a basket or a day.
     */
    private static Dataset<Row> weights(Dataset<Row> purchases, double halfLifeDays) {
        Column basketDay = max(col("purchase_date")).as("purchase_date");
        Column reference = max(col("reference_date")).as("reference_date");
        List<Dataset<Row>> parts = List.of(
                term(purchases.where(col("category").isNotNull()), "category", col("category"), col("spend")),
                term(purchases.where(col("product_id").isNotNull()), "product", col("product_id"), lit(1.0)),
                term(purchases, "channel", col("channel"), lit(1.0)),
                term(purchases.where(col("store_id").isNotNull()).groupBy(col("customer_id"), col("store_id"), col("basket"))
                        .agg(basketDay, reference), "store", col("store_id"), lit(1.0)),
                term(purchases.groupBy(col("customer_id"), col("purchase_date")).agg(reference),
                        "day_of_week", weekday(col("purchase_date")).plus(1).cast("string"), lit(1.0)),
                term(purchases.where(col("ts").isNotNull()).groupBy(col("customer_id"), col("basket"), hour(col("ts")).as("hour"))
                        .agg(basketDay, reference), "hour", col("hour").cast("string"), lit(1.0)));
        Dataset<Row> terms = parts.get(0);
        for (Dataset<Row> part : parts.subList(1, parts.size())) {
            terms = terms.unionByName(part);
        }
        double growth = logGrowthPerDay(halfLifeDays);
        Column relative = col("amount").multiply(pow(lit(2.0), date_diff(col("purchase_date"), col("reference_date"))
                .cast(DataTypes.DoubleType).divide(halfLifeDays)));
        Column logTerm = log(col("amount")).plus(daysFromEpoch(col("purchase_date")).multiply(growth));
        Dataset<Row> perValue = terms.groupBy(col("customer_id"), col("kind"), col("key")).agg(
                        sum(relative).as("relative"), max(col("reference_date")).as("reference_date"), max(logTerm).as("largest"))
                .select(col("customer_id"), col("kind"), col("key"),
                        when(col("relative").gt(0), log(col("relative")).plus(daysFromEpoch(col("reference_date")).multiply(growth)))
                                .otherwise(col("largest")).as("log_weight"));
        List<Column> maps = new java.util.ArrayList<>();
        for (String kind : List.of("category", "product", "channel", "store", "day_of_week", "hour")) {
            Column entries = collect_list(when(col("kind").equalTo(kind), struct(col("key").as("key"), col("log_weight").as("value"))));
            Column built = map_from_entries(entries);
            if (kind.equals("day_of_week") || kind.equals("hour")) {
                built = transform_keys(built, (key, value) -> key.cast(DataTypes.IntegerType));
            }
            maps.add(built.as(kind + "_log_weights"));
        }
        return perValue.groupBy("customer_id").agg(maps.get(0), maps.subList(1, maps.size()).toArray(Column[]::new));
    }

    private static Dataset<Row> term(Dataset<Row> rows, String kind, Column key, Column amount) {
        return rows.select(col("customer_id"), lit(kind).as("kind"), key.as("key"), col("purchase_date"),
                col("reference_date"), amount.cast(DataTypes.DoubleType).as("amount"));
    }

    /** The union of two log-weight maps, adding the weights of a value in both: log(e^a + e^b), without overflow. */
    static Column addLogWeights(Column stored, Column added, DataType type) {
        Column empty = map().cast(type);
        return map_zip_with(coalesce(stored, empty), coalesce(added, empty), (key, a, b) ->
                when(a.isNull(), b).when(b.isNull(), a)
                        .otherwise(greatest(a, b).plus(log1p(exp(least(a, b).minus(greatest(a, b)))))));
    }

    /** The {@code limit} heaviest entries of a log-weight map, ties by key. */
    static Column heaviest(Column weights, int limit) {
        Column ranked = sort_array(transform(map_entries(weights),
                entry -> struct(entry.getField("value").unary_$minus().as("order"), entry.getField("key").as("key"),
                        entry.getField("value").as("value"))));
        return map_from_entries(transform(slice(ranked, 1, limit),
                entry -> struct(entry.getField("key").as("key"), entry.getField("value").as("value"))));
    }

    /** The empty state, for a first build. */
    public static Dataset<Row> empty(SparkSession spark) {
        return spark.createDataFrame(List.of(), Tables.CUSTOMER_STATE.schema());
    }
}
