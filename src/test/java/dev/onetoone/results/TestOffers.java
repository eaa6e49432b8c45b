package dev.onetoone.results;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
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
import dev.onetoone.testing.SparkTestSupport;

/**
 * Offers tables built in tests over a generated population: 50% off each customer's top category for two weeks,
 * half of the rows withheld as control by a salted hash of the customer.
 */
final class TestOffers {
    static final double DISCOUNT_PERCENT = 50.0;

    private TestOffers() {
    }

    /**
     * Every customer of the sample with their top category (by lines) and a targeting score worked out from their
     * truth as an engine with perfect information would: the expected incremental margin of the offer with the top
     * category's share of the customer's lines as target share, 35% margin on the expected basket and a 1.50
     * discount, (p_with - p_without) * 0.35 * spend - p_with * 1.5.
     */
    static Dataset<Row> candidates(Path sample) {
        var spark = SparkTestSupport.spark();
        Dataset<Row> truth = spark.read().option("header", "true").csv(sample.resolve("truth/customer_truth.csv").toString());
        Dataset<Row> topCategory = spark.read().option("header", "true").csv(sample.resolve("transactions.csv").toString())
                .groupBy("customer_id", "category").agg(count(lit(1)).as("lines"))
                .groupBy("customer_id").agg(max(struct(col("lines"), col("category"))).as("top"), functions.sum(col("lines")).as("all_lines"))
                .select(col("customer_id"), col("top.category").as("target_category"), col("top.lines").divide(col("all_lines")).as("share"));
        Column without = when(col("alive_at_end").equalTo("true"),
                lit(1.0).minus(exp(col("purchase_rate_per_week").cast("double").multiply(col("share")).multiply(-2.0)))).otherwise(lit(0.0));
        Column lift = exp(col("promo_sensitivity").cast("double").multiply(8.0 * DISCOUNT_PERCENT / 100));
        Column with = without.multiply(lift).divide(lit(1.0).minus(without).plus(without.multiply(lift)));
        Column score = with.minus(without).multiply(col("expected_spend_per_purchase").cast("double").multiply(0.35)).minus(with.multiply(1.5));
        return truth.join(topCategory, "customer_id").withColumn("score", score);
    }

    static Dataset<Row> random(Dataset<Row> candidates, int offers) {
        return candidates.orderBy(xxhash64(col("customer_id"), lit("random"))).limit(offers);
    }

    static Dataset<Row> targeted(Dataset<Row> candidates, int offers) {
        return candidates.orderBy(col("score").desc(), col("customer_id")).limit(offers);
    }

    /** Offer rows in the offers table's columns and types, valid for the 14 days after asOf. */
    static Dataset<Row> offers(Dataset<Row> customers, String campaign, LocalDate asOf) {
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
                lit("test").as("run_id")));
    }

    /** The simulated lines of outcomes as transactions-table columns, without going through ingest. */
    static Dataset<Row> transactions(Dataset<Row> outcomes) {
        return outcomes.select(functions.explode(col("lines")).as("line")).select(
                col("line.customer_id").as("customer_id"),
                to_date(col("line.ts")).as("purchase_date"),
                col("line.product_id").as("product_id"),
                col("line.quantity").cast("double").as("quantity"),
                col("line.amount").cast(Tables.MONEY).as("amount"),
                when(col("line.offer_id").notEqual(""), col("line.offer_id")).as("offer_id"),
                lit(false).as("is_return"));
    }

    static Dataset<Row> products(Path sample) {
        return SparkTestSupport.spark().read().option("header", "true").csv(sample.resolve("products.csv").toString())
                .select(col("product_id"), col("unit_cost").cast(Tables.UNIT_PRICE).as("unit_cost"));
    }
}
