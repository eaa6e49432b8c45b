package dev.onetoone.offers;

import java.util.Locale;
import java.util.Set;

/** The kinds of campaign, each with the eligibility settings it understands (see {@link Eligibility}). */
public enum CampaignType {
    /** One purchase day, and not back within the customer's expected window. */
    SECOND_ORDER(Set.of("min-p-alive", "window-factor")),
    /** A due repeat product for a customer overdue on their own rhythm. */
    REPLENISHMENT(Set.of("min-p-alive", "min-overdue-ratio", "due-within-days")),
    /** A valuable customer whose P(alive) is falling. */
    WIN_BACK(Set.of("min-clv-quantile", "min-p-alive-drop", "max-p-alive", "lookback-days")),
    /** A high-affinity product the customer has never bought. */
    CROSS_SELL(Set.of("min-p-alive", "max-rank", "min-score")),
    /** The top customers by predicted value. */
    VIP(Set.of("min-clv-quantile"));

    private final Set<String> eligibilityKeys;

    CampaignType(Set<String> eligibilityKeys) {
        this.eligibilityKeys = eligibilityKeys;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Set<String> eligibilityKeys() {
        return eligibilityKeys;
    }

    /** The type named by a key such as second_order, or null. */
    public static CampaignType of(String key) {
        for (CampaignType type : values()) {
            if (type.key().equals(key)) {
                return type;
            }
        }
        return null;
    }
}
