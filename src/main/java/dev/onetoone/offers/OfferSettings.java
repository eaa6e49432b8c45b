package dev.onetoone.offers;

import dev.onetoone.config.OneToOneConfig;

/**
 * Everything the offers stage needs besides its input tables.
 *
 * @param offers        offers settings from the configuration
 * @param defaultMargin margin share used when a product has no unit_cost (model.margin)
 * @param campaigns     the campaigns file
 */
public record OfferSettings(OneToOneConfig.OffersConfig offers, double defaultMargin, Campaigns campaigns) {
}
