package dev.onetoone.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps each canonical column of a {@link SourceEntity} to the column name used by the source file
 * ({@code mapping.transactions.customer_id=CustomerID}). Unmapped columns keep their canonical name.
 */
public record ColumnMapping(SourceEntity entity, Map<String, String> sourceNames) {

    public ColumnMapping {
        sourceNames = Map.copyOf(sourceNames);
    }

    public static ColumnMapping identity(SourceEntity entity) {
        return new ColumnMapping(entity, Map.of());
    }

    /** The source column that holds the given canonical column. */
    public String sourceName(String canonical) {
        return sourceNames.getOrDefault(canonical, canonical);
    }

    /** Canonical name to source name for every canonical column, in canonical order. */
    public Map<String, String> resolved() {
        var resolved = new LinkedHashMap<String, String>();
        for (String canonical : entity.canonicalColumns()) {
            resolved.put(canonical, sourceName(canonical));
        }
        return resolved;
    }
}
