package dev.onetoone.offers;

import java.util.Locale;

/** What an offer applies to. */
public enum TargetKind {
    /** One product: its list price is the value at stake. */
    PRODUCT,
    /** A category: the customer's expected basket spend times their share of the category. */
    CATEGORY,
    /** The whole basket: the customer's expected spend per purchase. */
    BASKET;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TargetKind of(String key) {
        for (TargetKind kind : values()) {
            if (kind.key().equals(key)) {
                return kind;
            }
        }
        return null;
    }
}
