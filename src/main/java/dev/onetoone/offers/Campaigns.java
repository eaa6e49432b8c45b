package dev.onetoone.offers;

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
import java.util.TreeSet;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.SettingValues;

/**
 * The campaigns file: every campaign, and margin floors per product or category. Properties format:
 *
 * <pre>
 * campaign.&lt;id&gt;.type=second_order | replenishment | win_back | cross_sell | vip
 * campaign.&lt;id&gt;.offer-form=percent_off | amount_off | bonus_points | recognition
 * campaign.&lt;id&gt;.target=product | category | basket
 * campaign.&lt;id&gt;.discount-steps=5,10,15,20      (percent, amount or points; not for recognition)
 * campaign.&lt;id&gt;.budget=1000                    (expected discount cost plus contact cost per run; required)
 * campaign.&lt;id&gt;.validity-days=14
 * campaign.&lt;id&gt;.channels=email,push,sms
 * campaign.&lt;id&gt;.priority=100
 * campaign.&lt;id&gt;.repeat-after-days=30
 * campaign.&lt;id&gt;.enabled=true
 * campaign.&lt;id&gt;.recognition-uplift=0.1        (recognition only)
 * campaign.&lt;id&gt;.eligibility.&lt;setting&gt;=...   (settings of the type, see {@link Eligibility})
 * margin-floor.category.&lt;category&gt;=0.2
 * margin-floor.product.&lt;product_id&gt;=0.15
 * </pre>
 *
 * Every key is checked; a problem is reported as a {@link ConfigException} naming the key.
 */
public record Campaigns(List<Campaign> campaigns, Map<String, Double> categoryFloors, Map<String, Double> productFloors) {
    /** How a bad value names where its key comes from. */
    private static final String SOURCE = "campaigns";
    public static final Set<String> CHANNELS = Set.of("email", "sms", "push");
    private static final Set<String> CAMPAIGN_SETTINGS = Set.of("type", "offer-form", "target", "discount-steps", "budget",
            "validity-days", "channels", "priority", "repeat-after-days", "enabled", "recognition-uplift");

    public Campaigns {
        campaigns = List.copyOf(campaigns);
        categoryFloors = Map.copyOf(categoryFloors);
        productFloors = Map.copyOf(productFloors);
    }

    public static Campaigns load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("campaigns file not found: " + file + " (configuration key 'offers.campaigns-file')");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot read campaigns file " + file + ": " + e.getMessage(), e);
        }
    }

    public static Campaigns parse(String text) {
        try {
            return parse(new StringReader(text), "campaigns text");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Campaigns parse(Reader reader, String origin) throws IOException {
        var properties = new Properties();
        try {
            properties.load(reader);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("cannot read campaigns file " + origin + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, String>> byCampaign = new TreeMap<>();
        Map<String, Double> categoryFloors = new TreeMap<>();
        Map<String, Double> productFloors = new TreeMap<>();
        for (String rawKey : new TreeSet<>(properties.stringPropertyNames())) {
            String key = rawKey.trim();
            String value = properties.getProperty(rawKey).trim();
            String[] parts = key.split("\\.", 3);
            if (parts.length == 3 && parts[0].equals("campaign") && !parts[1].isEmpty()) {
                byCampaign.computeIfAbsent(parts[1], id -> new LinkedHashMap<>()).put(parts[2], value);
            } else if (parts.length == 3 && parts[0].equals("margin-floor") && parts[1].equals("category")) {
                categoryFloors.put(parts[2], number(key, value, 0.0, 1.0));
            } else if (parts.length == 3 && parts[0].equals("margin-floor") && parts[1].equals("product")) {
                productFloors.put(parts[2], number(key, value, 0.0, 1.0));
            } else {
                throw new ConfigException("unknown campaigns key '" + key + "' in " + origin
                        + "; expected campaign.<id>.<setting>, margin-floor.category.<category> or margin-floor.product.<product_id>");
            }
        }
        List<Campaign> campaigns = new ArrayList<>();
        for (var entry : byCampaign.entrySet()) {
            Campaign campaign = campaign(entry.getKey(), entry.getValue());
            if (campaign != null) {
                campaigns.add(campaign);
            }
        }
        return new Campaigns(campaigns, categoryFloors, productFloors);
    }

    /** One campaign, or null when it is disabled. */
    private static Campaign campaign(String id, Map<String, String> settings) {
        String prefix = "campaign." + id + ".";
        if (!id.matches("[a-z0-9_]+")) {
            throw new ConfigException("bad campaign id in '" + prefix + "*': use lower-case letters, digits and _");
        }
        String typeName = required(settings, prefix, "type");
        CampaignType type = CampaignType.of(typeName);
        if (type == null) {
            throw bad(prefix + "type", typeName, Arrays.stream(CampaignType.values()).map(CampaignType::key).toList().toString());
        }
        for (String setting : settings.keySet()) {
            boolean known = CAMPAIGN_SETTINGS.contains(setting)
                    || setting.startsWith("eligibility.") && type.eligibilityKeys().contains(setting.substring("eligibility.".length()));
            if (!known) {
                throw new ConfigException("unknown campaigns key '" + prefix + setting + "' for a " + type.key() + " campaign; settings are "
                        + new TreeSet<>(CAMPAIGN_SETTINGS) + " and eligibility." + new TreeSet<>(type.eligibilityKeys()));
            }
        }
        if (!bool(prefix + "enabled", settings.getOrDefault("enabled", "true"))) {
            return null;
        }
        String formName = required(settings, prefix, "offer-form");
        OfferForm form = OfferForm.of(formName);
        if (form == null) {
            throw bad(prefix + "offer-form", formName, "percent_off, amount_off, bonus_points or recognition");
        }
        String targetName = settings.getOrDefault("target", "basket");
        TargetKind target = TargetKind.of(targetName);
        if (target == null) {
            throw bad(prefix + "target", targetName, "product, category or basket");
        }
        boolean fromAffinity = type == CampaignType.REPLENISHMENT || type == CampaignType.CROSS_SELL;
        if (fromAffinity && target == TargetKind.BASKET) {
            throw bad(prefix + "target", targetName, "product or category: a " + type.key() + " campaign targets a product from product_affinity");
        }
        if (!fromAffinity && target == TargetKind.PRODUCT) {
            throw bad(prefix + "target", targetName, "category or basket: only replenishment and cross_sell campaigns have a product");
        }
        List<Double> steps = steps(prefix + "discount-steps", settings.get("discount-steps"), form);
        List<String> channels = Arrays.stream(settings.getOrDefault("channels", "email,push,sms").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (channels.isEmpty() || !CHANNELS.containsAll(channels)) {
            throw bad(prefix + "channels", settings.get("channels"), "a comma-separated list of email, push, sms");
        }
        if (!settings.containsKey("budget")) {
            throw new ConfigException("campaigns key '" + prefix + "budget' is required (expected discount cost plus contact cost per run)");
        }
        double budget = number(prefix + "budget", settings.get("budget"), 0.0, 1e15);
        int validity = (int) integer(prefix + "validity-days", settings.getOrDefault("validity-days", "14"), 1, 365);
        int priority = (int) integer(prefix + "priority", settings.getOrDefault("priority", "100"), 0, 1_000_000);
        int repeatAfter = (int) integer(prefix + "repeat-after-days", settings.getOrDefault("repeat-after-days", "30"), 0, 3650);
        if (settings.containsKey("recognition-uplift") && form != OfferForm.RECOGNITION) {
            throw new ConfigException("campaigns key '" + prefix + "recognition-uplift' applies to recognition offers only");
        }
        double uplift = number(prefix + "recognition-uplift", settings.getOrDefault("recognition-uplift", "0.1"), 0.0, 5.0);
        Eligibility defaults = Eligibility.defaults(type);
        String e = prefix + "eligibility.";
        var eligibility = new Eligibility(
                number(e + "min-p-alive", settings.getOrDefault("eligibility.min-p-alive", String.valueOf(defaults.minPAlive())), 0.0, 1.0),
                number(e + "window-factor", settings.getOrDefault("eligibility.window-factor", String.valueOf(defaults.windowFactor())), 0.0, 100.0),
                number(e + "min-overdue-ratio", settings.getOrDefault("eligibility.min-overdue-ratio", String.valueOf(defaults.minOverdueRatio())), 0.0, 100.0),
                (int) integer(e + "due-within-days", settings.getOrDefault("eligibility.due-within-days", String.valueOf(defaults.dueWithinDays())), 0, 365),
                number(e + "min-clv-quantile", settings.getOrDefault("eligibility.min-clv-quantile", String.valueOf(defaults.minClvQuantile())), 0.0, 1.0),
                number(e + "min-p-alive-drop", settings.getOrDefault("eligibility.min-p-alive-drop", String.valueOf(defaults.minPAliveDrop())), 0.0, 1.0),
                number(e + "max-p-alive", settings.getOrDefault("eligibility.max-p-alive", String.valueOf(defaults.maxPAlive())), 0.0, 1.0),
                (int) integer(e + "lookback-days", settings.getOrDefault("eligibility.lookback-days", String.valueOf(defaults.lookbackDays())), 1, 3650),
                (int) integer(e + "max-rank", settings.getOrDefault("eligibility.max-rank", String.valueOf(defaults.maxRank())), 1, 1000),
                number(e + "min-score", settings.getOrDefault("eligibility.min-score", String.valueOf(defaults.minScore())), 0.0, 1.0));
        return new Campaign(id, type, form, target, steps, validity, channels, priority, budget, repeatAfter, uplift, eligibility);
    }

    private static List<Double> steps(String key, String value, OfferForm form) {
        if (form == OfferForm.RECOGNITION) {
            if (value != null) {
                throw new ConfigException("campaigns key '" + key + "' does not apply to recognition offers (they have no discount)");
            }
            return List.of(0.0);
        }
        if (value == null || value.isBlank()) {
            throw new ConfigException("campaigns key '" + key + "' is required for " + form.key() + " offers");
        }
        double max = form == OfferForm.PERCENT_OFF ? 100.0 : 1e9;
        List<Double> steps = new ArrayList<>();
        for (String part : value.split(",")) {
            double step = number(key, part.trim(), 0.0, max);
            if (step <= 0 || form == OfferForm.BONUS_POINTS && step != Math.rint(step)) {
                throw bad(key, value, "comma-separated positive " + (form == OfferForm.BONUS_POINTS ? "whole numbers of points" : "numbers")
                        + (form == OfferForm.PERCENT_OFF ? " up to 100" : ""));
            }
            steps.add(step);
        }
        return steps.stream().distinct().sorted().toList();
    }

    private static String required(Map<String, String> settings, String prefix, String setting) {
        String value = settings.get(setting);
        if (value == null || value.isEmpty()) {
            throw new ConfigException("campaigns key '" + prefix + setting + "' is required");
        }
        return value;
    }

    private static double number(String key, String value, double min, double max) {
        return SettingValues.number(SOURCE, key, value, min, max);
    }

    private static long integer(String key, String value, long min, long max) {
        return SettingValues.integer(SOURCE, key, value, min, max);
    }

    private static boolean bool(String key, String value) {
        return SettingValues.bool(SOURCE, key, value);
    }

    private static ConfigException bad(String key, String value, String expected) {
        return SettingValues.bad(SOURCE, key, value, expected);
    }
}
