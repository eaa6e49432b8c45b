package dev.onetoone.offers;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.spark.sql.Column;

/**
 * The measurement group of an offer row, stored in {@code offers.offer_group} (and in the tables and files derived
 * from it) as its lower-case {@link #value()}. Treatment and explore rows are sent; control and holdout rows are
 * withheld and measure what the customer does without the offer.
 */
public enum OfferGroup {
    /** A regular customer's optimised offer, sent. */
    TREATMENT(true),
    /** A regular customer's optimised offer, withheld to measure the campaign's lift. */
    CONTROL(false),
    /** A customer of the explore share, sent an offer drawn uniformly from their qualifying options. */
    EXPLORE(true),
    /** A customer of the global holdout: the optimised offer, withheld from every campaign. */
    HOLDOUT(false);

    private final boolean sent;

    OfferGroup(boolean sent) {
        this.sent = sent;
    }

    /** The value stored in the tables. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when the offer reaches the customer (treatment, explore); false when it is withheld (control, holdout). */
    public boolean sent() {
        return sent;
    }

    /** True where an offer_group column holds a sent group (treatment, explore). */
    public static Column isSent(Column offerGroup) {
        return offerGroup.isin(storedValues(true));
    }

    /** True where an offer_group column holds a withheld group (control, holdout). */
    public static Column isWithheld(Column offerGroup) {
        return offerGroup.isin(storedValues(false));
    }

    private static Object[] storedValues(boolean sent) {
        return Arrays.stream(values()).filter(group -> group.sent == sent).map(OfferGroup::value).toArray();
    }

    /** The group stored as {@code value}; an unknown value is an error that names it and the known ones. */
    public static OfferGroup fromValue(String value) {
        for (OfferGroup group : values()) {
            if (group.value().equals(value)) {
                return group;
            }
        }
        throw new IllegalArgumentException("unknown offer group '" + value + "'; expected one of "
                + Arrays.stream(values()).map(OfferGroup::value).collect(Collectors.joining(", ")));
    }
}
