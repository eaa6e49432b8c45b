package dev.onetoone.testing;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * Offers tables built in tests over a generated population: 50% off each customer's top category for two weeks,
 * half of the rows withheld as control by a salted hash of the customer.
 */
public final class TestOffers {
    public static final double DISCOUNT_PERCENT = 50.0;

    private TestOffers() {
    }

    /** Every customer of the sample with their top category by lines. */
    public static Dataset<Row> candidates(Path sample) {
        return SparkTestSupport.spark().read().option("header", "true").csv(sample.resolve("transactions.csv").toString())
                .groupBy("customer_id", "category").agg(count(lit(1)).as("lines"))
                .groupBy("customer_id").agg(max(struct(col("lines"), col("category"))).getField("category").as("target_category"));
    }

    public static Dataset<Row> random(Dataset<Row> rows, int offers) {
        return rows.orderBy(xxhash64(col("customer_id"), lit("random"))).limit(offers);
    }

    /** Offer rows in the offers table's columns and types, valid for the 14 days after asOf. */
    public static Dataset<Row> offers(Dataset<Row> customers, String campaign, LocalDate asOf) {
        Column group = when(pmod(xxhash64(col("customer_id"), lit("group-" + campaign)), lit(2L)).equalTo(0L), lit("treatment"))
                .otherwise(lit("control"));
        return Warehouse.conform(Tables.OFFERS, customers.select(
                lit(Date.valueOf(asOf)).as("as_of"),
                concat(lit(campaign + "-"), col("customer_id")).as("offer_id"),
                col("customer_id"),
                lit(campaign).as("campaign_id"),
                lit("cross_sell").as("campaign_type"),
                lit("percent_off").as("offer_form"),
                lit("category").as("target_kind"),
                lit(null).cast("string").as("target_product_id"),
                col("target_category"),
                lit(DISCOUNT_PERCENT).as("discount_percent"),
                lit(0).as("discount_amount"),
                lit(0L).as("bonus_points"),
                when(group.equalTo("treatment"), lit("email")).as("channel"),
                lit(Date.valueOf(asOf.plusDays(1))).as("valid_from"),
                lit(Date.valueOf(asOf.plusDays(14))).as("valid_to"),
                group.as("offer_group"),
                lit(0.5).as("assignment_probability"),
                lit(0.0).as("p_purchase_with_offer"),
                lit(0.0).as("p_purchase_without_offer"),
                lit(0.0).as("expected_incremental_margin"),
                lit(0.0).as("expected_cost"),
                array(lit("test_population")).as("reason_codes"),
                lit(1).as("priority"),
                lit("test").as("run_id"),
                lit(null).cast("double").as("contact_cost"),
                lit(null).cast("double").as("fatigue_cost"),
                lit(null).cast("double").as("net_expected_margin")));
    }

    /** The simulated lines of outcomes as transactions-table columns, without going through ingest. */
    public static Dataset<Row> transactions(Dataset<Row> outcomes) {
        return outcomes.select(functions.explode(col("lines")).as("line")).select(
                col("line.customer_id").as("customer_id"),
                to_date(col("line.ts")).as("purchase_date"),
                col("line.product_id").as("product_id"),
                col("line.quantity").cast("double").as("quantity"),
                col("line.amount").cast(Tables.MONEY).as("amount"),
                when(col("line.offer_id").notEqual(""), col("line.offer_id")).as("offer_id"),
                lit(false).as("is_return"));
    }

    public static Dataset<Row> products(Path sample) {
        return SparkTestSupport.spark().read().option("header", "true").csv(sample.resolve("products.csv").toString())
                .select(col("product_id"), col("unit_cost").cast(Tables.UNIT_PRICE).as("unit_cost"));
    }
}
