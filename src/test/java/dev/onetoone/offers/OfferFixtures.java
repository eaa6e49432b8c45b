package dev.onetoone.offers;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;

import dev.onetoone.config.ConfigLoader;
import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.testing.SparkTestSupport;

/** Hand-built rows of the offers stage's input tables, with plain defaults that a test overrides. */
final class OfferFixtures {
    static final LocalDate AS_OF = LocalDate.of(2025, 6, 30);

    private OfferFixtures() {
    }

    /** A customer_model row of AS_OF: an active regular buyer unless overridden. */
    static Row model(String customerId, Object... overrides) {
        Map<String, Object> values = new HashMap<>();
        values.put("as_of", Date.valueOf(AS_OF));
        values.put("customer_id", customerId);
        values.put("repeat_purchase_days", 3);
        values.put("recency_weeks", 10.0);
        values.put("age_weeks", 20.0);
        values.put("p_alive", 0.8);
        values.put("expected_purchases_30d", 1.0);
        values.put("expected_purchases_90d", 3.0);
        values.put("expected_purchases_365d", 10.0);
        values.put("expected_spend_per_purchase", 40.0);
        values.put("clv", 100.0);
        values.put("purchase_rate_per_week", 0.7);
        values.put("dropout_probability", 0.1);
        values.put("interpurchase_days_mean", 20.0);
        values.put("interpurchase_days_sd", 5.0);
        values.put("expected_next_purchase_date", Date.valueOf(AS_OF));
        values.put("days_overdue", 0);
        values.put("overdue_ratio", 1.0);
        values.put("top_category", "coffee");
        values.put("top_category_share", 0.5);
        values.put("category_shares", Map.of("coffee", 0.5, "tea", 0.5));
        values.put("favourite_products", List.of());
        values.put("discount_share", 0.5);
        values.put("price_sensitivity", 0.5);
        values.put("offer_redemptions", 0L);
        values.put("offer_response_rate", 0.0);
        values.put("preferred_channel", "web");
        values.put("preferred_channel_share", 0.5);
        values.put("preferred_store", null);
        values.put("preferred_day_of_week", 1);
        values.put("preferred_hour", 10);
        values.put("history_days", 140);
        values.put("confidence", 0.5);
        values.put("confidence_level", "medium");
        values.put("purchase_model", "bg_nbd");
        for (int i = 0; i < overrides.length; i += 2) {
            values.put((String) overrides[i], overrides[i + 1]);
        }
        return row(Tables.CUSTOMER_MODEL, values);
    }

    static Row customer(String customerId, boolean email, boolean sms, boolean push, boolean optOut, boolean known) {
        Map<String, Object> values = new HashMap<>();
        values.put("customer_id", customerId);
        values.put("consent_email", email);
        values.put("consent_sms", sms);
        values.put("consent_push", push);
        values.put("opt_out", optOut);
        values.put("is_known", known);
        values.put("source_file", "test");
        values.put("run_id", "test");
        values.put("updated_at", java.sql.Timestamp.valueOf("2025-06-30 00:00:00"));
        return row(Tables.CUSTOMERS, values);
    }

    /** A customer with e-mail consent only. */
    static Row emailCustomer(String customerId) {
        return customer(customerId, true, false, false, false, true);
    }

    static Row product(String productId, String category, double price, Double unitCost) {
        Map<String, Object> values = new HashMap<>();
        values.put("product_id", productId);
        values.put("category", category);
        values.put("price", new BigDecimal(String.valueOf(price)));
        values.put("unit_cost", unitCost == null ? null : new BigDecimal(String.valueOf(unitCost)));
        values.put("replenishable", true);
        values.put("is_known", true);
        values.put("source_file", "test");
        values.put("run_id", "test");
        values.put("updated_at", java.sql.Timestamp.valueOf("2025-06-30 00:00:00"));
        return row(Tables.PRODUCTS, values);
    }

    static Row affinity(String customerId, String productId, String category, int rank, double score, boolean repeat, LocalDate dueDate) {
        return affinity(customerId, productId, category, rank, repeat ? null : rank, score, repeat, dueDate);
    }

    /** A product_affinity row with its new_rank (null for a repeat). */
    static Row affinity(String customerId, String productId, String category, int rank, Integer newRank, double score, boolean repeat,
            LocalDate dueDate) {
        Map<String, Object> values = new HashMap<>();
        values.put("as_of", Date.valueOf(AS_OF));
        values.put("customer_id", customerId);
        values.put("product_id", productId);
        values.put("category", category);
        values.put("rank", rank);
        values.put("new_rank", newRank);
        values.put("score", score);
        values.put("source", repeat ? "due_repeat" : "similar_customers");
        values.put("is_repeat", repeat);
        values.put("due_date", dueDate == null ? null : Date.valueOf(dueDate));
        values.put("buy_again_score", repeat ? score : 0.0);
        values.put("collaborative_score", 0.0);
        values.put("co_occurrence_score", 0.0);
        values.put("popularity_score", 0.0);
        return row(Tables.PRODUCT_AFFINITY, values);
    }

    /** An earlier offers row sent (treatment) to the customer on the given day. */
    static Row sentOffer(String customerId, String campaignId, LocalDate day) {
        Map<String, Object> values = new HashMap<>();
        values.put("as_of", Date.valueOf(day));
        values.put("offer_id", customerId + campaignId + day);
        values.put("customer_id", customerId);
        values.put("campaign_id", campaignId);
        values.put("campaign_type", "second_order");
        values.put("offer_form", "percent_off");
        values.put("target_kind", "basket");
        values.put("discount_percent", 5.0);
        values.put("discount_amount", BigDecimal.ZERO);
        values.put("bonus_points", 0L);
        values.put("channel", "email");
        values.put("valid_from", Date.valueOf(day.plusDays(1)));
        values.put("valid_to", Date.valueOf(day.plusDays(14)));
        values.put("offer_group", "treatment");
        values.put("assignment_probability", 0.5);
        values.put("p_purchase_with_offer", 0.3);
        values.put("p_purchase_without_offer", 0.2);
        values.put("expected_incremental_margin", 0.1);
        values.put("expected_cost", 0.5);
        values.put("reason_codes", List.of("first_purchase_not_returned"));
        values.put("priority", 1);
        values.put("run_id", "earlier");
        return row(Tables.OFFERS, values);
    }

    static Dataset<Row> table(TableSpec table, List<Row> rows) {
        return SparkTestSupport.spark().createDataFrame(rows, table.schema());
    }

    static Dataset<Row> suppressed(String... customerIds) {
        List<Row> rows = new ArrayList<>();
        for (String id : customerIds) {
            rows.add(RowFactory.create(id));
        }
        return SparkTestSupport.spark().createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("customer_id", "string"));
    }

    /** Inputs with the given tables; no affinity, earlier offers or suppression unless given. */
    static OfferInputs inputs(List<Row> models, List<Row> customers, List<Row> products, List<Row> affinity, List<Row> earlierOffers,
            Dataset<Row> suppressed) {
        return new OfferInputs(table(Tables.CUSTOMER_MODEL, models), table(Tables.CUSTOMERS, customers), table(Tables.PRODUCTS, products),
                affinity == null ? Optional.empty() : Optional.of(table(Tables.PRODUCT_AFFINITY, affinity)),
                table(Tables.OFFERS, earlierOffers), suppressed == null ? suppressed() : suppressed);
    }

    /** Settings from campaigns text and configuration overrides (measurement groups off unless overridden). */
    static OfferSettings settings(String campaignsText, String... overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("offers.holdout-share", "0");
        values.put("offers.control-share", "0");
        values.put("offers.explore-share", "0");
        for (int i = 0; i < overrides.length; i += 2) {
            values.put(overrides[i], overrides[i + 1]);
        }
        OneToOneConfig config = new ConfigLoader().withOverrides(values).load();
        return new OfferSettings(config.offers(), config.model().margin(), Campaigns.parse(campaignsText));
    }

    private static Row row(TableSpec table, Map<String, Object> values) {
        List<Object> cells = new ArrayList<>();
        for (StructField field : table.schema().fields()) {
            cells.add(values.get(field.name()));
        }
        return RowFactory.create(cells.toArray());
    }
}
