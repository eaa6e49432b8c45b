package dev.onetoone.pipeline;

import java.time.LocalDate;

/**
 * Watches the stages a {@link RunLog} runs: told before and after each one, and asked whether to run it at all. The
 * nightly job uses {@link #NONE}; the benchmark times each stage and measures its peak heap, and may skip some.
 */
public interface StageObserver {
    /** Runs every stage and watches nothing. */
    StageObserver NONE = new StageObserver() {
    };

    /** False to skip the stage: its body does not run and run_log gets no row for it. */
    default boolean shouldRun(String stage) {
        return true;
    }

    default void beforeStage(String stage, LocalDate asOf) {
    }

    /** After the stage and its run_log row; {@code result} is null when the stage threw. */
    default void afterStage(String stage, LocalDate asOf, StageResult result) {
    }
}
