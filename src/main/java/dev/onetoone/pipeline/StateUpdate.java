package dev.onetoone.pipeline;

/** How a stage brings customer_state to its as-of date before reading it. */
public enum StateUpdate {
    /** Fold in the lines added since the state's date (the nightly way); rebuilds only when the state cannot be folded. */
    FOLD,
    /** Rebuild the state from all transactions: an explicit full pass ({@code --rebuild-state}). */
    REBUILD;

    public static StateUpdate rebuildWhen(boolean rebuild) {
        return rebuild ? REBUILD : FOLD;
    }
}
