package dev.onetoone.loyalty;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import dev.onetoone.config.ConfigException;

/**
 * The loyalty programme's configuration file ({@code conf/loyalty.properties}, key {@code loyalty.file}). Every key
 * is checked at start-up and a problem names the key. The format:
 *
 * <pre>
 * earning.points-per-unit=1           base points per currency unit of a line's amount
 * earning.qualifying-per-unit=1       qualifying (tier) points per currency unit
 * earning.rules=base,bonus_categories  rule ids, in the order they run
 * earning.cap-per-transaction=0       most redeemable points one basket earns; 0 = no cap
 * earning.cap-per-day=0               most redeemable points a member earns per purchase day; 0 = no cap
 * rule.&lt;id&gt;.type=base | multiplier | tier_multiplier | offer_bonus | first_purchase | birthday   (default: the id)
 * rule.&lt;id&gt;.&lt;setting&gt;=...          settings of the type, see {@link EarningRules}
 * points.return-window-days=30        points stay pending this long, then are released
 * points.expiry-days=365              available points expire this long after they were earned, first in first out
 * points.late-arrival-days=7          lines dated this many days before the latest earned day are still earned
 * tier.levels=regular:0,silver:500,gold:1500,vip:4000   tiers and their qualifying-point thresholds, lowest first
 * tier.window-days=365                qualifying points count over this rolling window
 * tier.review-months=1                months whose first day is a review date (downgrades only there)
 * tier.grace-days=30                  a downgrade decided at a review takes effect this many days later
 * tier.vip=vip                        tier that feeds the vip campaigns of the offers stage
 * referral.first-purchase-discount-percent=10
 * referral.referrer-points=500
 * referral.max-chain-depth=10         referral chains followed this far when looking for loops
 * liability.prior-breakage=0.3        breakage assumed before the ledger has redemptions or expiries
 * liability.prior-weight-points=10000 weight of the prior, in points (see docs/loyalty.md)
 * metrics.active-days=90              members who earned or redeemed within this many days are active
 * </pre>
 */
public record LoyaltyConfig(double pointsPerUnit, double qualifyingPerUnit, List<RuleSettings> rules, long capPerTransaction,
        long capPerDay, int returnWindowDays, int expiryDays, int lateArrivalDays, List<Tier> tiers, int tierWindowDays,
        List<Integer> reviewMonths, int graceDays, String vipTier, double referralDiscountPercent, long referrerPoints,
        int maxChainDepth, double priorBreakage, double priorWeightPoints, int activeDays) {

    /** A tier and the qualifying points needed to hold it. */
    public record Tier(String name, long threshold) {
    }

    /** One configured earning rule: its id (also the ledger's rule name), type and settings. */
    public record RuleSettings(String id, String type, Map<String, String> settings) {
        public RuleSettings {
            settings = Map.copyOf(settings);
        }

        /** The key of a setting, for messages. */
        public String key(String setting) {
            return "rule." + id + "." + setting;
        }

        public double number(String setting, double defaultValue, double min, double max) {
            String value = settings.get(setting);
            return value == null ? defaultValue : LoyaltyConfig.number(key(setting), value, min, max);
        }

        /** Settings under a prefix, e.g. {@code category.} gives category name to value. */
        public Map<String, Double> numbersUnder(String prefix, double min, double max) {
            Map<String, Double> numbers = new TreeMap<>();
            settings.forEach((setting, value) -> {
                if (setting.startsWith(prefix) && setting.length() > prefix.length()) {
                    numbers.put(setting.substring(prefix.length()), LoyaltyConfig.number(key(setting), value, min, max));
                }
            });
            return numbers;
        }
    }

    private static final Set<String> KEYS = Set.of("earning.points-per-unit", "earning.qualifying-per-unit", "earning.rules",
            "earning.cap-per-transaction", "earning.cap-per-day", "points.return-window-days", "points.expiry-days",
            "points.late-arrival-days", "tier.levels", "tier.window-days", "tier.review-months", "tier.grace-days", "tier.vip",
            "referral.first-purchase-discount-percent", "referral.referrer-points", "referral.max-chain-depth",
            "liability.prior-breakage", "liability.prior-weight-points", "metrics.active-days");

    public LoyaltyConfig {
        rules = List.copyOf(rules);
        tiers = List.copyOf(tiers);
        reviewMonths = List.copyOf(reviewMonths);
    }

    public static LoyaltyConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("loyalty file not found: " + file + " (configuration key 'loyalty.file')");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot read loyalty file " + file + ": " + e.getMessage(), e);
        }
    }

    public static LoyaltyConfig parse(String text) {
        try {
            return parse(new StringReader(text), "loyalty text");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LoyaltyConfig parse(Reader reader, String origin) throws IOException {
        var properties = new Properties();
        try {
            properties.load(reader);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("cannot read loyalty file " + origin + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        Map<String, Map<String, String>> byRule = new TreeMap<>();
        for (String rawKey : properties.stringPropertyNames()) {
            String key = rawKey.trim();
            String value = properties.getProperty(rawKey).trim();
            String[] parts = key.split("\\.", 3);
            if (parts.length == 3 && parts[0].equals("rule") && !parts[1].isEmpty()) {
                byRule.computeIfAbsent(parts[1], id -> new LinkedHashMap<>()).put(parts[2], value);
            } else if (KEYS.contains(key)) {
                values.put(key, value);
            } else {
                throw new ConfigException("unknown loyalty key '" + key + "' in " + origin + "; expected rule.<id>.<setting> or one of "
                        + new java.util.TreeSet<>(KEYS));
            }
        }
        List<RuleSettings> rules = new ArrayList<>();
        String ruleList = values.getOrDefault("earning.rules", "base");
        for (String id : ruleList.split(",")) {
            String trimmed = id.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!trimmed.matches("[a-z0-9_]+")) {
                throw new ConfigException("bad rule id '" + trimmed + "' in 'earning.rules': use lower-case letters, digits and _");
            }
            // A rule without rule.<id>.type is of the type named like it (earning.rules=base needs no rule.base.type).
            Map<String, String> settings = byRule.remove(trimmed);
            settings = settings == null ? Map.of() : settings;
            var rule = new RuleSettings(trimmed, settings.getOrDefault("type", trimmed), settings);
            if (rules.stream().anyMatch(other -> other.id().equals(trimmed))) {
                throw new ConfigException("rule '" + trimmed + "' is listed twice in 'earning.rules'");
            }
            rules.add(rule);
        }
        if (!byRule.isEmpty()) {
            String id = byRule.keySet().iterator().next();
            throw new ConfigException("'rule." + id + ".*' is configured but rule '" + id + "' is not listed in 'earning.rules' (" + ruleList + ")");
        }
        var config = new LoyaltyConfig(
                number("earning.points-per-unit", values.getOrDefault("earning.points-per-unit", "1"), 0, 1e6),
                number("earning.qualifying-per-unit", values.getOrDefault("earning.qualifying-per-unit", "1"), 0, 1e6),
                rules,
                whole("earning.cap-per-transaction", values.getOrDefault("earning.cap-per-transaction", "0"), 0, Long.MAX_VALUE),
                whole("earning.cap-per-day", values.getOrDefault("earning.cap-per-day", "0"), 0, Long.MAX_VALUE),
                (int) whole("points.return-window-days", values.getOrDefault("points.return-window-days", "30"), 0, 3650),
                (int) whole("points.expiry-days", values.getOrDefault("points.expiry-days", "365"), 1, 36500),
                (int) whole("points.late-arrival-days", values.getOrDefault("points.late-arrival-days", "7"), 0, 3650),
                tiers(values.getOrDefault("tier.levels", "regular:0,silver:500,gold:1500,vip:4000")),
                (int) whole("tier.window-days", values.getOrDefault("tier.window-days", "365"), 1, 36500),
                months(values.getOrDefault("tier.review-months", "1")),
                (int) whole("tier.grace-days", values.getOrDefault("tier.grace-days", "30"), 0, 3650),
                values.getOrDefault("tier.vip", "vip"),
                number("referral.first-purchase-discount-percent", values.getOrDefault("referral.first-purchase-discount-percent", "10"), 0, 100),
                whole("referral.referrer-points", values.getOrDefault("referral.referrer-points", "500"), 0, Long.MAX_VALUE),
                (int) whole("referral.max-chain-depth", values.getOrDefault("referral.max-chain-depth", "10"), 1, 100),
                number("liability.prior-breakage", values.getOrDefault("liability.prior-breakage", "0.3"), 0, 1),
                number("liability.prior-weight-points", values.getOrDefault("liability.prior-weight-points", "10000"), 0, 1e15),
                (int) whole("metrics.active-days", values.getOrDefault("metrics.active-days", "90"), 1, 36500));
        if (config.tiers().stream().noneMatch(tier -> tier.name().equals(config.vipTier()))) {
            throw new ConfigException("'tier.vip' is " + config.vipTier() + ", which is not a tier of 'tier.levels' "
                    + config.tiers().stream().map(Tier::name).toList());
        }
        EarningRules.create(config);
        return config;
    }

    /** Rank of a tier in {@link #tiers()}, lowest 0. */
    public int rank(String tier) {
        for (int index = 0; index < tiers.size(); index++) {
            if (tiers.get(index).name().equals(tier)) {
                return index;
            }
        }
        return -1;
    }

    private static List<Tier> tiers(String text) {
        List<Tier> tiers = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] nameAndThreshold = part.trim().split(":");
            if (nameAndThreshold.length != 2 || !nameAndThreshold[0].trim().matches("[a-z0-9_]+")) {
                throw new ConfigException("bad 'tier.levels' entry '" + part.trim() + "': expected name:threshold, e.g. silver:500");
            }
            long threshold = whole("tier.levels", nameAndThreshold[1].trim(), 0, Long.MAX_VALUE);
            if (!tiers.isEmpty() && threshold <= tiers.get(tiers.size() - 1).threshold()) {
                throw new ConfigException("'tier.levels' thresholds must rise from tier to tier: " + text);
            }
            if (tiers.isEmpty() && threshold != 0) {
                throw new ConfigException("the first tier of 'tier.levels' must have threshold 0 (every member holds a tier): " + text);
            }
            tiers.add(new Tier(nameAndThreshold[0].trim(), threshold));
        }
        return tiers;
    }

    private static List<Integer> months(String text) {
        List<Integer> months = new ArrayList<>();
        for (String part : text.split(",")) {
            months.add((int) whole("tier.review-months", part.trim(), 1, 12));
        }
        return months.stream().distinct().sorted().toList();
    }

    static double number(String key, String value, double min, double max) {
        double number;
        try {
            number = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new ConfigException("bad value '" + value + "' for loyalty key '" + key + "': expected a number in [" + min + ", " + max + "]");
        }
        if (!(number >= min && number <= max)) {
            throw new ConfigException("bad value '" + value + "' for loyalty key '" + key + "': expected a number in [" + min + ", " + max + "]");
        }
        return number;
    }

    static long whole(String key, String value, long min, long max) {
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException("bad value '" + value + "' for loyalty key '" + key + "': expected a whole number in [" + min + ", " + max + "]");
        }
        if (number < min || number > max) {
            throw new ConfigException("bad value '" + value + "' for loyalty key '" + key + "': expected a whole number in [" + min + ", " + max + "]");
        }
        return number;
    }

    /** Settings a rule type accepts besides {@code type}; the rule names its own in {@link EarningRules}. */
    static void requireOnly(RuleSettings rule, List<String> names, List<String> prefixes) {
        for (String setting : rule.settings().keySet()) {
            boolean known = setting.equals("type") || names.contains(setting)
                    || prefixes.stream().anyMatch(prefix -> setting.startsWith(prefix) && setting.length() > prefix.length());
            if (!known) {
                throw new ConfigException("unknown loyalty key '" + rule.key(setting) + "' for a rule of type " + rule.type()
                        + "; it accepts " + names + (prefixes.isEmpty() ? "" : " and " + Arrays.toString(prefixes.stream().map(p -> p + "<name>").toArray())));
            }
        }
    }
}
