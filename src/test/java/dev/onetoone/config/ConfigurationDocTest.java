package dev.onetoone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every key of {@link ConfigKeys} with its default, and no key the code does not know. */
class ConfigurationDocTest {
    /** A settings row: | `key` | `default` or empty | meaning |. */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\| (`(.*?)`|empty) \\|");

    /** The rows of the "Settings" section, key to documented default. */
    private static Map<String, String> documentedDefaults() throws IOException {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        int start = doc.indexOf("\n## Settings\n");
        assertTrue(start >= 0, "docs/configuration.md has no '## Settings' section");
        int end = doc.indexOf("\n## ", start + 1);
        Matcher rows = ROW.matcher(doc.substring(start, end < 0 ? doc.length() : end));
        Map<String, String> documented = new LinkedHashMap<>();
        while (rows.find()) {
            documented.put(rows.group(1), rows.group(3) == null ? "" : rows.group(3));
        }
        return documented;
    }

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws IOException {
        Map<String, String> documented = documentedDefaults();
        for (ConfigKeys.Key key : ConfigKeys.all().values()) {
            assertTrue(documented.containsKey(key.name()), key.name() + " is missing from docs/configuration.md");
            assertEquals(key.defaultValue(), documented.get(key.name()), "default of " + key.name() + " in docs/configuration.md");
        }
    }

    @Test
    void theDocumentNamesNoUnknownKey() throws IOException {
        for (String name : documentedDefaults().keySet()) {
            assertTrue(ConfigKeys.isKnown(name), "docs/configuration.md documents " + name + ", which ConfigKeys does not define");
        }
    }
}
