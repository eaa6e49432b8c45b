package dev.onetoone.offers;

import java.util.Map;

import dev.onetoone.config.OneToOneConfig;

/**
 * Everything the offers stage needs besides its input tables.
 *
 * @param offers        offers settings from the configuration
 * @param defaultMargin margin share used when a product has no unit_cost (model.margin)
 * @param campaigns     the campaigns file
 * @param learned       the learned responses that price their campaign's offers, by campaign id (only fits with
 *                      {@link LearnedResponse#used()}); campaigns not in it use the assumed curve
 */
public record OfferSettings(OneToOneConfig.OffersConfig offers, double defaultMargin, Campaigns campaigns, Map<String, LearnedResponse> learned) {
    public OfferSettings {
        learned = Map.copyOf(learned);
    }

    /** Settings with the assumed response for every campaign. */
    public OfferSettings(OneToOneConfig.OffersConfig offers, double defaultMargin, Campaigns campaigns) {
        this(offers, defaultMargin, campaigns, Map.of());
    }
}
