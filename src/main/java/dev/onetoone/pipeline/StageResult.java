package dev.onetoone.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counts reported by one stage, recorded in {@code run_log}. */
public record StageResult(String stage, long rowsIn, long rowsOut, long rowsQuarantined, String message, Map<String, Long> details) {
    /** Detail key counting problems that did not stop the stage; above 0 the run log says succeeded_with_warnings. */
    public static final String WARNINGS = "warnings";

    public StageResult {
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
