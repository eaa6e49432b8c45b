package dev.onetoone.generate;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal pretty-printing JSON writer for the manifest, so the generator needs no JSON library.
 * It only escapes what JSON requires and prints doubles with {@link Double#toString}, which is
 * exact and locale independent; non-finite doubles become {@code null}.
 */
final class JsonWriter {

    private final StringBuilder text = new StringBuilder();
    private final Deque<Boolean> firstInScope = new ArrayDeque<>();
    private boolean afterName;

    JsonWriter beginObject() {
        beforeValue();
        text.append('{');
        firstInScope.push(Boolean.TRUE);
        return this;
    }

    JsonWriter endObject() {
        return close('}');
    }

    JsonWriter beginArray() {
        beforeValue();
        text.append('[');
        firstInScope.push(Boolean.TRUE);
        return this;
    }

    JsonWriter endArray() {
        return close(']');
    }

    JsonWriter name(String name) {
        separate();
        appendString(name);
        text.append(": ");
        afterName = true;
        return this;
    }

    JsonWriter value(String value) {
        beforeValue();
        if (value == null) {
            text.append("null");
        } else {
            appendString(value);
        }
        return this;
    }

    JsonWriter value(long value) {
        beforeValue();
        text.append(value);
        return this;
    }

    JsonWriter value(double value) {
        beforeValue();
        if (Double.isFinite(value)) {
            text.append(value);
        } else {
            text.append("null");
        }
        return this;
    }

    JsonWriter value(boolean value) {
        beforeValue();
        text.append(value);
        return this;
    }

    JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, double value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    String toJson() {
        if (!firstInScope.isEmpty()) {
            throw new IllegalStateException("unclosed JSON object or array");
        }
        return text.append('\n').toString();
    }

    private JsonWriter close(char bracket) {
        boolean empty = firstInScope.pop();
        if (!empty) {
            newline();
        }
        text.append(bracket);
        return this;
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        separate();
    }

    private void separate() {
        if (firstInScope.isEmpty()) {
            return;
        }
        if (!firstInScope.pop()) {
            text.append(',');
        }
        firstInScope.push(Boolean.FALSE);
        newline();
    }

    private void newline() {
        text.append('\n');
        for (int level = 0; level < firstInScope.size(); level++) {
            text.append("  ");
        }
    }

    private void appendString(String value) {
        text.append('"');
        for (int index = 0; index < value.length(); index++) {
            char character = value.charAt(index);
            switch (character) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (character < 0x20) {
                        text.append(String.format("\\u%04x", (int) character));
                    } else {
                        text.append(character);
                    }
                }
            }
        }
        text.append('"');
    }
}
