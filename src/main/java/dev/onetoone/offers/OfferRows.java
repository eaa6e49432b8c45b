package dev.onetoone.offers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

import dev.onetoone.io.Tables;

/** The last step of a night's offers: the decided options as rows of {@code offers}, and the budgets' shadow prices. */
final class OfferRows {
    private final LocalDate asOf;
    private final OfferSettings settings;
    private final String runId;

    OfferRows(LocalDate asOf, OfferSettings settings, String runId) {
        this.asOf = asOf;
        this.settings = settings;
        this.runId = runId;
    }

    /** Rows in the shape of the offers table. */
    Dataset<Row> rows(Dataset<Row> chosen) {
        Date day = Date.valueOf(asOf);
        Column form = col("offer_form");
        Column sent = OfferGroup.isSent(col("offer_group"));
        return chosen.select(
                lit(day).as("as_of"),
                substring(sha2(concat_ws("|", lit(asOf.toString()), col("campaign_id"), col("customer_id")), 256), 1, 32).as("offer_id"),
                col("customer_id"), col("campaign_id"), col("campaign_type"), col("offer_form"), col("target_kind"),
                col("target_product_id"), col("target_category"),
                when(form.equalTo(OfferForm.PERCENT_OFF.key()), col("step")).otherwise(lit(0.0)).as("discount_percent"),
                when(form.equalTo(OfferForm.AMOUNT_OFF.key()), col("step")).otherwise(lit(0.0)).as("discount_amount"),
                when(form.equalTo(OfferForm.BONUS_POINTS.key()), col("step")).otherwise(lit(0.0)).cast("long").as("bonus_points"),
                when(sent, col("channel")).as("channel"),
                date_add(lit(day), 1).as("valid_from"),
                date_add(lit(day), col("validity_days")).as("valid_to"),
                col("offer_group"), col("assignment_probability"),
                col("p_purchase_with_offer"), col("p_purchase_without_offer"),
                col("expected_incremental_margin"), col("expected_cost"),
                col("reason_codes"), col("priority"),
                lit(runId).as("run_id"),
                col("contact_cost"), col("fatigue_cost"),
                col("expected_incremental_margin").minus(col("contact_cost")).minus(col("fatigue_cost")).as("net_expected_margin"));
    }

    /** One row per campaign budget and the global budget: spend, price and value of the offers sent. */
    Dataset<Row> shadowPrices(SparkSession spark, Dataset<Row> offers, Map<String, Double> prices) {
        Map<String, Row> sums = new LinkedHashMap<>();
        for (Row row : offers.where(OfferGroup.isSent(col("offer_group"))).groupBy("campaign_id")
                .agg(sum(col("expected_cost").plus(col("contact_cost"))), count(lit(1)), sum("expected_incremental_margin")).collectAsList()) {
            sums.put(row.getString(0), row);
        }
        List<Row> rows = new ArrayList<>();
        double totalSpend = 0;
        long totalOffers = 0;
        double totalMargin = 0;
        Date day = Date.valueOf(asOf);
        for (Campaign campaign : settings.campaigns().campaigns()) {
            Row sum = sums.get(campaign.id());
            double spend = sum == null ? 0 : sum.getDouble(1);
            long offerCount = sum == null ? 0 : sum.getLong(2);
            double margin = sum == null ? 0 : sum.getDouble(3);
            totalSpend += spend;
            totalOffers += offerCount;
            totalMargin += margin;
            double price = prices.getOrDefault(campaign.id(), 0.0);
            rows.add(RowFactory.create(day, campaign.id(), campaign.budget(), spend, price, offerCount, margin, price > 0));
        }
        double globalPrice = prices.getOrDefault(BudgetAllocator.GLOBAL, 0.0);
        rows.add(RowFactory.create(day, BudgetAllocator.GLOBAL, settings.offers().globalBudget(), totalSpend, globalPrice, totalOffers,
                totalMargin, globalPrice > 0));
        return spark.createDataFrame(rows, Tables.BUDGET_SHADOW_PRICES.schema());
    }
}
