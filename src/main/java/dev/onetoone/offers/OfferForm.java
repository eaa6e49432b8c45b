package dev.onetoone.offers;

import java.util.Locale;

/** What an offer gives: a percentage off, an amount off, loyalty points, or recognition without a discount. */
public enum OfferForm {
    /** Steps are percentages of the target's value. */
    PERCENT_OFF,
    /** Steps are amounts in currency. */
    AMOUNT_OFF,
    /** Steps are loyalty points, costed at offers.point-value each. */
    BONUS_POINTS,
    /** A message of appreciation: no cost; its effect is the campaign's recognition-uplift. */
    RECOGNITION;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OfferForm of(String key) {
        for (OfferForm form : values()) {
            if (form.key().equals(key)) {
                return form;
            }
        }
        return null;
    }
}
