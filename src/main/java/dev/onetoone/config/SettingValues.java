package dev.onetoone.config;

import java.util.Locale;

/**
 * Parsing and range checks of setting values, shared by the configuration ({@link ConfigLoader}) and the campaigns
 * file ({@code offers.Campaigns}), so both report a bad value the same way: the value, the file's kind of key, the
 * key, and what was expected.
 */
public final class SettingValues {
    private SettingValues() {
    }

    /** A number in [min, max]. */
    public static double number(String source, String key, String value, double min, double max) {
        try {
            double number = Double.parseDouble(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below, with the key's name
        }
        throw bad(source, key, value, "a number from " + min + " to " + max);
    }

    /** An integer in [min, max]. */
    public static long integer(String source, String key, String value, long min, long max) {
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below, with the key's name
        }
        throw bad(source, key, value, "an integer from " + min + " to " + max);
    }

    /** true or false, in any case. */
    public static boolean bool(String source, String key, String value) {
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Boolean.parseBoolean(lower);
        }
        throw bad(source, key, value, "true or false");
    }

    /** "bad value 'v' for {source} key 'k': expected {expected}". */
    public static ConfigException bad(String source, String key, String value, String expected) {
        return new ConfigException("bad value '" + value + "' for " + source + " key '" + key + "': expected " + expected);
    }
}
