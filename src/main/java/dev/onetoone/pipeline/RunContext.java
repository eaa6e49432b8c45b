package dev.onetoone.pipeline;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import dev.onetoone.config.OneToOneConfig;
import dev.onetoone.io.Warehouse;

/** What every stage of one command shares: the run id, the configuration, the warehouse and the clock. */
public record RunContext(String runId, OneToOneConfig config, Warehouse warehouse, Clock clock) {
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT).withZone(ZoneId.of("UTC"));

    public static RunContext start(OneToOneConfig config, Warehouse warehouse, Clock clock) {
        String runId = RUN_ID_TIME.format(clock.instant()) + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        return new RunContext(runId, config, warehouse, clock);
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * The day ingest measures future dates from: today, or the as-of date when that is later (a run for a date
     * ahead of the clock). May be given a null as-of date.
     */
    public LocalDate referenceDate(LocalDate asOf) {
        LocalDate today = today();
        return asOf != null && asOf.isAfter(today) ? asOf : today;
    }

    /** Today in the configured time zone. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), config.timeZone());
    }
}
