package dev.onetoone.pipeline;

/**
 * How a stage brings what it keeps between nights to its as-of date: customer_state for rfm and model, the previous
 * ranking for affinity.
 */
public enum StateUpdate {
    /** Fold in the lines added since the previous night (the nightly way); rebuilds only when that cannot be done. */
    FOLD,
    /** Rebuild from all transactions: an explicit full pass ({@code --rebuild-state}, {@code affinity --rebuild}). */
    REBUILD;

    public static StateUpdate rebuildWhen(boolean rebuild) {
        return rebuild ? REBUILD : FOLD;
    }
}
