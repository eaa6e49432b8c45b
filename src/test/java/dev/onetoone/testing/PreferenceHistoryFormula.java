package dev.onetoone.testing;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.weekday;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Objects;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.model.PreferenceSettings;

/**
 * The preference query as it was before the preferences were folded into customer_state: every preference computed
 * from all purchase lines up to the as-of date. Kept in the tests as the reference the state-based
 * {@link dev.onetoone.model.PreferenceStep} must reproduce; see that class for the definitions.
 */
public final class PreferenceHistoryFormula {
    /** Spend that a line with amount 0 (or, defensively, below one cent) counts as in category shares. */
    static final double ZERO_VALUE_SPEND = 0.01;
    /** Decimal places weights are rounded to before they are compared for a mode or an order. */
    static final int TIE_DECIMALS = 9;

    private final PreferenceSettings settings;

    public PreferenceHistoryFormula(PreferenceSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Dataset<Row> compute(Dataset<Row> transactions, LocalDate asOf) {
        Column asOfDate = lit(Date.valueOf(asOf));
        WindowSpec byCustomer = Window.partitionBy("customer_id");
        Column category = col("category");
        Column product = col("product_id");
        Column store = col("store_id");
        Dataset<Row> lines = transactions
                .where(col("purchase_date").leq(asOfDate).and(col("is_return").equalTo(false)))
                .select(
                        col("customer_id"),
                        col("purchase_date"),
                        col("ts"),
                        coalesce(col("transaction_id"), concat(lit("day:"), col("purchase_date").cast("string")))
                                .as("basket"),
                        category,
                        product,
                        coalesce(col("channel"), lit("unknown")).as("channel"),
                        store,
                        col("offer_id"),
                        coalesce(col("discount"), lit(0)).gt(0).as("discounted"),
                        greatest(coalesce(col("amount").cast(DataTypes.DoubleType), lit(0.0)), lit(ZERO_VALUE_SPEND))
                                .as("spend"))
                .withColumn("w", decay(max(col("purchase_date")).over(byCustomer)))
                .withColumn("w_category", decay(max(when(category.isNotNull(), col("purchase_date"))).over(byCustomer)))
                .withColumn("w_product", decay(max(when(product.isNotNull(), col("purchase_date"))).over(byCustomer)))
                .withColumn("w_store", decay(max(when(store.isNotNull(), col("purchase_date"))).over(byCustomer)));

        Dataset<Row> counts = lines.groupBy("customer_id").agg(
                count(lit(1)).as("lines"),
                count(when(col("discounted"), lit(1))).as("discounted_lines"),
                count_distinct(col("basket")).as("baskets"),
                count_distinct(when(col("offer_id").isNotNull(), col("basket"))).as("offer_redemptions"));
        Dataset<Row> population = counts.agg(
                sum("discounted_lines").cast(DataTypes.DoubleType).divide(sum("lines")).as("population_discount_share"));

        Dataset<Row> result = counts.crossJoin(broadcast(population))
                .join(categories(lines), "customer_id", "left")
                .join(favouriteProducts(lines), "customer_id", "left")
                .join(channels(lines), "customer_id", "left")
                .join(stores(lines), "customer_id", "left")
                .join(daysOfWeek(lines), "customer_id", "left")
                .join(hours(lines), "customer_id", "left");

        double k = settings.sensitivityPriorLines();
        Column lineCount = col("lines").cast(DataTypes.DoubleType);
        return result.select(
                asOfDate.as("as_of"),
                col("customer_id"),
                col("top_category"),
                coalesce(col("top_category_share"), lit(0.0)).as("top_category_share"),
                coalesce(col("category_shares"), map().cast(DataTypes.createMapType(
                        DataTypes.StringType, DataTypes.DoubleType))).as("category_shares"),
                coalesce(col("favourite_products"), array().cast(DataTypes.createArrayType(DataTypes.StringType)))
                        .as("favourite_products"),
                col("discounted_lines").divide(lineCount).as("discount_share"),
                col("discounted_lines").plus(lit(k).multiply(col("population_discount_share")))
                        .divide(lineCount.plus(lit(k))).as("price_sensitivity"),
                col("offer_redemptions"),
                when(col("baskets").gt(0), col("offer_redemptions").divide(col("baskets"))).otherwise(lit(0.0))
                        .as("offer_response_rate"),
                col("preferred_channel"),
                col("preferred_channel_share"),
                col("preferred_store"),
                col("preferred_day_of_week"),
                col("preferred_hour"));
    }

    /** Decay weight of a line relative to the reference date: 0.5^((reference - purchase_date) / half-life). */
    private Column decay(Column referenceDate) {
        return pow(lit(0.5), date_diff(referenceDate, col("purchase_date")).divide(settings.halfLifeDays()));
    }

    /** Sort key of a mode: the largest rounded weight first, then the smallest value. */
    private static Column modeKey(Column value, Column weight) {
        return struct(round(weight, TIE_DECIMALS).unary_$minus().as("w"), value.as("v"));
    }

    /** top_category, top_category_share, category_shares from decayed spend over lines with a category. */
    private static Dataset<Row> categories(Dataset<Row> lines) {
        Column category = col("category");
        Column weight = col("weight");
        return lines.where(category.isNotNull())
                .groupBy(col("customer_id"), category)
                .agg(sum(col("spend").multiply(col("w_category"))).as("weight"))
                .groupBy("customer_id")
                .agg(
                        min_by(category, modeKey(category, weight)).as("top_category"),
                        min_by(weight, modeKey(category, weight)).as("top_weight"),
                        sum(weight).as("total_weight"),
                        sort_array(collect_list(struct(category.as("key"), weight.as("weight")))).as("entries"))
                .select(
                        col("customer_id"),
                        col("top_category"),
                        col("top_weight").divide(col("total_weight")).as("top_category_share"),
                        map_from_entries(transform(col("entries"), entry -> struct(
                                entry.getField("key").as("key"),
                                entry.getField("weight").divide(col("total_weight")).as("value"))))
                                .as("category_shares"));
    }

    /** favourite_products: product ids by decayed line count, largest first, ties by id. */
    private Dataset<Row> favouriteProducts(Dataset<Row> lines) {
        Column product = col("product_id");
        return lines.where(product.isNotNull())
                .groupBy(col("customer_id"), product)
                .agg(sum(col("w_product")).as("weight"))
                .groupBy("customer_id")
                .agg(sort_array(collect_list(modeKey(product, col("weight")))).as("ranked"))
                .select(
                        col("customer_id"),
                        transform(slice(col("ranked"), 1, settings.favouriteProducts()), entry -> entry.getField("v"))
                                .as("favourite_products"));
    }

    /** preferred_channel and its share, by decayed line count. */
    private static Dataset<Row> channels(Dataset<Row> lines) {
        Column channel = col("channel");
        Column weight = col("weight");
        return lines.groupBy(col("customer_id"), channel)
                .agg(sum(col("w")).as("weight"))
                .groupBy("customer_id")
                .agg(
                        min_by(channel, modeKey(channel, weight)).as("preferred_channel"),
                        min_by(weight, modeKey(channel, weight)).divide(sum(weight)).as("preferred_channel_share"));
    }

    /** preferred_store by decayed basket count over lines with a store. */
    private static Dataset<Row> stores(Dataset<Row> lines) {
        Column store = col("store_id");
        return mode(lines.where(store.isNotNull())
                        .groupBy(col("customer_id"), store, col("basket"))
                        .agg(max(col("w_store")).as("w")),
                store, "preferred_store");
    }

    /** preferred_day_of_week (1 = Monday) over distinct purchase days. */
    private static Dataset<Row> daysOfWeek(Dataset<Row> lines) {
        return mode(lines.groupBy(col("customer_id"), col("purchase_date"))
                        .agg(max(col("w")).as("w"))
                        .withColumn("day_of_week", weekday(col("purchase_date")).plus(1)),
                col("day_of_week"), "preferred_day_of_week");
    }

    /** preferred_hour by decayed basket count. */
    private static Dataset<Row> hours(Dataset<Row> lines) {
        return mode(lines.where(col("ts").isNotNull())
                        .groupBy(col("customer_id"), col("basket"), hour(col("ts")).as("hour"))
                        .agg(max(col("w")).as("w")),
                col("hour"), "preferred_hour");
    }

    /** The mode of {@code value} per customer, weighting each row by its column {@code w}. */
    private static Dataset<Row> mode(Dataset<Row> weighted, Column value, String name) {
        Column weight = col("weight");
        return weighted.groupBy(col("customer_id"), value)
                .agg(sum(col("w")).as("weight"))
                .groupBy("customer_id")
                .agg(min_by(value, modeKey(value, weight)).as(name));
    }
}
