package dev.onetoone.offers;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The first step of a night's offers after the candidates: who may be contacted, on which channel, and how many
 * slots they have left (consent, suppression, the contact limit, cool-down and each campaign's repeat-after-days).
 */
final class ContactPolicy {
    private final LocalDate asOf;
    private final OfferSettings settings;

    ContactPolicy(LocalDate asOf, OfferSettings settings) {
        this.asOf = asOf;
        this.settings = settings;
    }

    /**
     * The candidates with the channel, the offers sent to the customer within the contact window before today
     * (earlier_contacts), their remaining contact slots, and policy_drop: {@value OfferSelection#DROPPED_CONSENT} for an unknown,
     * opted-out or suppressed customer or a campaign without a consented channel, {@value OfferSelection#DROPPED_CONTACT_LIMIT}
     * for a customer without slots, in cool-down, or who already had the campaign within its repeat-after-days;
     * null when the candidate may be contacted.
     */
    Dataset<Row> apply(Dataset<Row> candidates, OfferInputs inputs) {
        var config = settings.offers();
        Date day = Date.valueOf(asOf);
        Dataset<Row> people = inputs.customers().select(col("customer_id"), col("is_known").and(col("opt_out").unary_$bang()).as("contactable"),
                col("consent_email"), col("consent_sms"), col("consent_push"));
        Dataset<Row> suppressed = inputs.suppressed().select("customer_id").distinct().withColumn("suppressed", lit(true));
        Dataset<Row> sent = inputs.previousOffers().where(col("as_of").lt(lit(day))
                .and(OfferGroup.isSent(col("offer_group"))));
        Dataset<Row> contacts = sent.groupBy("customer_id").agg(
                sum(when(date_diff(lit(day), col("as_of")).lt(config.contactWindowDays()), 1).otherwise(0)).as("recent_contacts"),
                max("as_of").as("last_contact"));
        Dataset<Row> lastByCampaign = sent.groupBy("customer_id", "campaign_id").agg(max("as_of").as("last_campaign_contact"));
        Column repeatAfter = lit(0);
        Column channel = lit(null).cast("string");
        Column preferred = when(col("preferred_channel").isin("app", "push"), lit("push"))
                .when(col("preferred_channel").isin("web", "email"), lit("email"))
                .when(col("preferred_channel").equalTo("sms"), lit("sms"));
        for (Campaign campaign : settings.campaigns().campaigns()) {
            Column mine = col("campaign_id").equalTo(campaign.id());
            repeatAfter = when(mine, lit(campaign.repeatAfterDays())).otherwise(repeatAfter);
            Column choice = when(preferred.isin(campaign.channels().toArray()).and(consented(preferred)), preferred);
            for (String allowed : campaign.channels()) {
                choice = choice.when(col("consent_" + allowed), lit(allowed));
            }
            channel = when(mine, choice).otherwise(channel);
        }
        Column inCooldown = lit(config.cooldownDays() > 0).and(col("last_contact").isNotNull())
                .and(date_diff(lit(day), col("last_contact")).lt(config.cooldownDays()));
        Column repeatedTooSoon = col("last_campaign_contact").isNotNull()
                .and(date_diff(lit(day), col("last_campaign_contact")).lt(repeatAfter));
        Dataset<Row> preferences = inputs.customerModels().where(col("as_of").equalTo(lit(day))).select("customer_id", "preferred_channel");
        Column reachable = coalesce(col("contactable"), lit(false)).and(col("suppressed").isNull());
        return candidates.join(people, "customer_id", "left")
                .join(suppressed, "customer_id", "left")
                .join(preferences, "customer_id", "left")
                .join(contacts, "customer_id", "left")
                .join(lastByCampaign, new String[] {"customer_id", "campaign_id"}, "left")
                .withColumn("earlier_contacts", coalesce(col("recent_contacts"), lit(0L)).cast("int"))
                .withColumn("slots", lit(config.maxContacts()).minus(col("earlier_contacts")).cast("int"))
                .withColumn("channel", channel)
                .withColumn("policy_drop", when(reachable.unary_$bang().or(col("channel").isNull()), lit(OfferSelection.DROPPED_CONSENT))
                        .when(col("slots").leq(0).or(inCooldown).or(repeatedTooSoon), lit(OfferSelection.DROPPED_CONTACT_LIMIT)))
                .drop("contactable", "suppressed", "consent_email", "consent_sms", "consent_push", "recent_contacts", "last_contact",
                        "last_campaign_contact", "preferred_channel");
    }

    private static Column consented(Column channel) {
        return when(channel.equalTo("email"), col("consent_email"))
                .when(channel.equalTo("sms"), col("consent_sms"))
                .when(channel.equalTo("push"), col("consent_push"))
                .otherwise(lit(false));
    }
}
