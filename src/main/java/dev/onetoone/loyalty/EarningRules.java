package dev.onetoone.loyalty;

import java.util.ArrayList;
import java.util.List;

import dev.onetoone.config.ConfigException;

/**
 * Builds the configured earning rules, in the order of {@code earning.rules}. Rule types and their settings
 * ({@code rule.<id>.<setting>}):
 * <ul>
 * <li>{@code base}: base points per currency unit (earning.points-per-unit) and qualifying points
 * (earning.qualifying-per-unit); no settings;</li>
 * <li>{@code multiplier}: {@code category.<category>=<multiplier>}, {@code product.<product_id>=<multiplier>};</li>
 * <li>{@code tier_multiplier}: {@code tier.<tier>=<multiplier>};</li>
 * <li>{@code offer_bonus}: the bonus_points of a redeemed bonus_points offer; no settings;</li>
 * <li>{@code first_purchase}: {@code points} on a member's first purchase;</li>
 * <li>{@code birthday}: {@code points} on the first purchase in the birthday month, once a year.</li>
 * </ul>
 * The referral bonus is not a line rule: it is earned when the referred customer's first purchase clears the return
 * window (see {@link ReferralStep}).
 */
public final class EarningRules {
    /** A rule with the id that names its ledger entries. */
    public record Named(String id, EarningRule rule) {
    }

    private EarningRules() {
    }

    public static List<Named> create(LoyaltyConfig config) {
        List<Named> rules = new ArrayList<>();
        for (LoyaltyConfig.RuleSettings settings : config.rules()) {
            rules.add(new Named(settings.id(), create(settings, config)));
        }
        return rules;
    }

    private static EarningRule create(LoyaltyConfig.RuleSettings settings, LoyaltyConfig config) {
        return switch (settings.type()) {
            case "base" -> {
                LoyaltyConfig.requireOnly(settings, List.of(), List.of());
                yield new BasePointsRule();
            }
            case "multiplier" -> {
                LoyaltyConfig.requireOnly(settings, List.of(), List.of("category.", "product."));
                yield new MultiplierRule(settings.numbersUnder("category.", 0, 1000), settings.numbersUnder("product.", 0, 1000));
            }
            case "tier_multiplier" -> {
                LoyaltyConfig.requireOnly(settings, List.of(), List.of("tier."));
                var multipliers = settings.numbersUnder("tier.", 0, 1000);
                for (String tier : multipliers.keySet()) {
                    if (config.rank(tier) < 0) {
                        throw new ConfigException("'" + settings.key("tier." + tier) + "' names no tier of 'tier.levels' "
                                + config.tiers().stream().map(LoyaltyConfig.Tier::name).toList());
                    }
                }
                yield new TierMultiplierRule(multipliers);
            }
            case "offer_bonus" -> {
                LoyaltyConfig.requireOnly(settings, List.of(), List.of());
                yield new OfferBonusRule();
            }
            case "first_purchase" -> {
                LoyaltyConfig.requireOnly(settings, List.of("points"), List.of());
                yield new FirstPurchaseBonusRule(points(settings));
            }
            case "birthday" -> {
                LoyaltyConfig.requireOnly(settings, List.of("points"), List.of());
                yield new BirthdayBonusRule(points(settings));
            }
            default -> throw new ConfigException("bad value '" + settings.type() + "' for loyalty key '" + settings.key("type")
                    + "': expected base, multiplier, tier_multiplier, offer_bonus, first_purchase or birthday");
        };
    }

    private static long points(LoyaltyConfig.RuleSettings settings) {
        String value = settings.settings().get("points");
        if (value == null) {
            throw new ConfigException("missing loyalty key '" + settings.key("points") + "' (whole points of the bonus)");
        }
        return LoyaltyConfig.whole(settings.key("points"), value, 0, Long.MAX_VALUE);
    }
}
