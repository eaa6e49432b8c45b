package dev.onetoone.config;

import java.util.List;
import java.util.Locale;

/**
 * The kinds of input the ingest understands, with their canonical column names. Required columns must be present
 * in the source (under their mapped names); optional ones get the documented default when absent.
 */
public enum SourceEntity {
    /** Transaction lines. {@code amount} may be replaced by {@code quantity} × {@code unit_price}. */
    TRANSACTIONS(List.of("customer_id", "ts"),
            List.of("transaction_id", "product_id", "category", "quantity", "unit_price", "amount", "discount",
                    "channel", "store_id", "offer_id")),
    CUSTOMERS(List.of("customer_id"),
            List.of("signup_date", "country", "birth_date", "consent_email", "consent_sms", "consent_push",
                    "opt_out")),
    PRODUCTS(List.of("product_id"),
            List.of("name", "category", "price", "unit_cost", "replenishable"));

    private final List<String> required;
    private final List<String> optional;

    SourceEntity(List<String> required, List<String> optional) {
        this.required = required;
        this.optional = optional;
    }

    public List<String> requiredColumns() {
        return required;
    }

    public List<String> optionalColumns() {
        return optional;
    }

    public List<String> canonicalColumns() {
        return java.util.stream.Stream.concat(required.stream(), optional.stream()).toList();
    }

    /** Lower-case name used in config keys, file names and the quarantine's {@code source_kind}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
