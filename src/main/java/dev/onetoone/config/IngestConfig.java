package dev.onetoone.config;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Validated settings of the ingest stage.
 *
 * @param historyStart      transactions dated before this day are quarantined; null for no lower bound
 * @param maxQuantity       largest plausible absolute quantity of a line
 * @param maxAmount         largest plausible absolute amount (and unit price) of a line
 * @param asOfMaxDaysAhead  how far after today an {@code --as-of} date of an ingest may lie
 */
public record IngestConfig(
        String delimiter,
        List<String> timestampFormats,
        List<String> dateFormats,
        LocalDate historyStart,
        int futureToleranceDays,
        double maxQuarantineShare,
        ZeroValuePolicy zeroValuePolicy,
        String cancellationPrefix,
        boolean returnMarkerRequired,
        Map<SourceEntity, ColumnMapping> mappings,
        double maxQuantity,
        double maxAmount,
        int asOfMaxDaysAhead) {

    /** What to do with lines whose amount is zero (free items, samples). */
    public enum ZeroValuePolicy { KEEP, QUARANTINE }

    public IngestConfig {
        timestampFormats = List.copyOf(timestampFormats);
        dateFormats = List.copyOf(dateFormats);
        mappings = Map.copyOf(mappings);
    }

    public ColumnMapping mapping(SourceEntity entity) {
        return mappings.getOrDefault(entity, ColumnMapping.identity(entity));
    }
}
