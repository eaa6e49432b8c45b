package dev.onetoone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's settings tables are the definitions of {@link ConfigKeys}: each key's row carries its
 * default, the values it takes and its meaning, as the code defines them, and no row names a key the code does not
 * know. With {@code -Ddocs.regenerate=true} the test rewrites the rows of the defined keys from the code instead
 * (the headings and the text between the tables stay as written).
 */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("docs/configuration.md");
    /** A settings row: | `key` | ... (the rest of the line). */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\|.*$");

    /** The row the code gives a key. */
    static String row(ConfigKeys.Key key) {
        String shownDefault = key.defaultValue().isEmpty() ? "empty" : "`" + key.defaultValue() + "`";
        return "| `" + key.name() + "` | " + shownDefault + " | " + key.allowed().replace("|", "\\|") + " | "
                + key.description().replace("|", "\\|") + " |";
    }

    private static int[] settingsSection(String doc) {
        int start = doc.indexOf("\n## Settings\n");
        assertTrue(start >= 0, "docs/configuration.md has no '## Settings' section");
        int end = doc.indexOf("\n## ", start + 1);
        return new int[] {start, end < 0 ? doc.length() : end};
    }

    /** The rows of the "Settings" section, by key. */
    private static Map<String, String> documentedRows(String doc) {
        int[] section = settingsSection(doc);
        Matcher rows = ROW.matcher(doc.substring(section[0], section[1]));
        Map<String, String> documented = new LinkedHashMap<>();
        while (rows.find()) {
            documented.put(rows.group(1), rows.group(0));
        }
        return documented;
    }

    @Test
    void everyKeyIsDocumentedAsTheCodeDefinesIt() throws IOException {
        String doc = Files.readString(DOC);
        if (Boolean.getBoolean("docs.regenerate")) {
            int[] section = settingsSection(doc);
            Matcher rows = ROW.matcher(doc.substring(section[0], section[1]));
            StringBuilder rewritten = new StringBuilder();
            while (rows.find()) {
                String name = rows.group(1);
                String replacement = ConfigKeys.isKnown(name) ? row(ConfigKeys.key(name)) : rows.group(0);
                rows.appendReplacement(rewritten, Matcher.quoteReplacement(replacement));
            }
            rows.appendTail(rewritten);
            doc = doc.substring(0, section[0]) + rewritten + doc.substring(section[1]);
            Files.writeString(DOC, doc);
        }
        Map<String, String> documented = documentedRows(doc);
        for (ConfigKeys.Key key : ConfigKeys.all().values()) {
            assertTrue(documented.containsKey(key.name()), key.name() + " is missing from docs/configuration.md");
            assertEquals(row(key), documented.get(key.name()),
                    "row of " + key.name() + " in docs/configuration.md; regenerate with mvn test -Dtest=ConfigurationDocTest -Ddocs.regenerate=true");
        }
    }

    @Test
    void theDocumentNamesNoUnknownKey() throws IOException {
        for (String name : documentedRows(Files.readString(DOC)).keySet()) {
            assertTrue(ConfigKeys.isKnown(name), "docs/configuration.md documents " + name + ", which ConfigKeys does not define");
        }
    }

    /** Each default passes its own definition: a loader with no file and no override loads. */
    @Test
    void everyDefaultIsAllowedByItsDefinition() {
        Set<ConfigKeys.Kind> kinds = new HashSet<>();
        for (ConfigKeys.Key key : ConfigKeys.all().values()) {
            kinds.add(key.kind());
            if (key.kind() == ConfigKeys.Kind.INTEGER || key.kind() == ConfigKeys.Kind.NUMBER) {
                double value = Double.parseDouble(key.defaultValue());
                assertTrue(value >= key.min() && value <= key.max(), key.name() + " default " + value + " outside " + key.allowed());
            }
            if (key.kind() == ConfigKeys.Kind.CHOICE) {
                assertTrue(key.choices().contains(key.defaultValue()), key.name() + " default is not one of " + key.choices());
            }
        }
        assertEquals(Set.of(ConfigKeys.Kind.values()), kinds, "every kind of key is used");
        new ConfigLoader().load();
    }
}
