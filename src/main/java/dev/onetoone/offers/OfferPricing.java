package dev.onetoone.offers;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The options of a night's offers: one per contactable candidate and allowed discount step, priced by the response
 * model ({@link ResponseModel}; a campaign's learned response where it is used, {@link LearnedResponse}), with the
 * contact and fatigue costs and whether the option qualifies (within the margin floor, and paying for its contact).
 */
final class OfferPricing {
    private final LocalDate asOf;
    private final OfferSettings settings;

    OfferPricing(LocalDate asOf, OfferSettings settings) {
        this.asOf = asOf;
        this.settings = settings;
    }

    /** One row per candidate and allowed step, with the discount, its cost and the modelled response. */
    Dataset<Row> options(Dataset<Row> candidates, Dataset<Row> customerModels) {
        var config = settings.offers();
        SparkSession spark = candidates.sparkSession();
        List<Row> stepRows = new ArrayList<>();
        for (Campaign campaign : settings.campaigns().campaigns()) {
            for (double step : campaign.steps()) {
                stepRows.add(RowFactory.create(campaign.id(), campaign.type().key(), campaign.offerForm().key(), campaign.target().key(),
                        step, campaign.validityDays(), campaign.priority(),
                        campaign.offerForm() == OfferForm.RECOGNITION ? campaign.recognitionUplift() : 0.0));
            }
        }
        StructType stepSchema = new StructType()
                .add("campaign_id", DataTypes.StringType).add("campaign_type", DataTypes.StringType)
                .add("offer_form", DataTypes.StringType).add("target_kind", DataTypes.StringType)
                .add("step", DataTypes.DoubleType).add("validity_days", DataTypes.IntegerType)
                .add("priority", DataTypes.IntegerType).add("uplift", DataTypes.DoubleType);
        Dataset<Row> steps = spark.createDataFrame(stepRows, stepSchema);
        Dataset<Row> model = customerModels.where(col("as_of").equalTo(lit(Date.valueOf(asOf))))
                .select("customer_id", "p_alive", "purchase_rate_per_week", "price_sensitivity");
        Column form = col("offer_form");
        Column redeemedCost = when(form.equalTo(OfferForm.PERCENT_OFF.key()), col("target_value").multiply(col("step")).divide(100.0))
                .when(form.equalTo(OfferForm.AMOUNT_OFF.key()), col("step"))
                .when(form.equalTo(OfferForm.BONUS_POINTS.key()), col("step").multiply(config.pointValue()))
                .otherwise(lit(0.0));
        Dataset<Row> priced = candidates.join(model, "customer_id")
                .join(org.apache.spark.sql.functions.broadcast(steps), "campaign_id")
                .withColumn("redeemed_cost", redeemedCost)
                .withColumn("discount_fraction", col("redeemed_cost").divide(col("target_value")))
                .withColumn("p_purchase_without_offer", ResponseModel.probabilityWithout(coalesce(col("p_alive"), lit(0.0)),
                        coalesce(col("purchase_rate_per_week"), lit(0.0)), col("validity_days"), col("share")))
                .withColumn("assumed_shift", lit(config.responseElasticity()).multiply(coalesce(col("price_sensitivity"), lit(0.0)))
                        .multiply(col("discount_fraction")).plus(col("uplift")))
                .withColumn("logit_shift", logitShift(col("assumed_shift")))
                .withColumn("p_purchase_with_offer", ResponseModel.probabilityWith(col("p_purchase_without_offer"), col("logit_shift")))
                .withColumn("expected_incremental_margin", ResponseModel.incrementalMargin(col("p_purchase_with_offer"),
                        col("p_purchase_without_offer"), col("target_value"), col("margin"), col("redeemed_cost")))
                .withColumn("expected_cost", col("p_purchase_with_offer").multiply(col("redeemed_cost")))
                .withColumn("within_floor", ResponseModel.withinFloor(col("margin"), col("discount_fraction"), col("margin_floor")))
                .withColumn("contact_cost", contactCost(col("channel")))
                .withColumn("budget_cost", col("expected_cost").plus(col("contact_cost")))
                .withColumn("surplus", col("expected_incremental_margin").minus(col("contact_cost"))
                        .minus(col("earlier_contacts").multiply(config.fatigueCost())).minus(config.minNetMargin()))
                .withColumn("qualifies", col("within_floor").and(col("surplus").gt(0)));
        return priced.drop("assumed_shift", "logit_shift", "p_alive", "purchase_rate_per_week", "price_sensitivity");
    }

    /**
     * The logit shift of an option: the learned response of its campaign where one is used ({@link LearnedResponse}),
     * else the assumed one.
     */
    private Column logitShift(Column assumedShift) {
        Column shift = assumedShift;
        for (var entry : new java.util.TreeMap<>(settings.learned()).entrySet()) {
            shift = when(col("campaign_id").equalTo(entry.getKey()), entry.getValue().logitShift(assumedShift)).otherwise(shift);
        }
        return shift;
    }

    /** The channel's offers.contact-cost.&lt;channel&gt;. */
    private Column contactCost(Column channel) {
        Column cost = lit(0.0);
        for (var entry : new java.util.TreeMap<>(settings.offers().contactCosts()).entrySet()) {
            cost = when(channel.equalTo(entry.getKey()), lit(entry.getValue())).otherwise(cost);
        }
        return cost;
    }
}
