package dev.onetoone.affinity;

/** The history holds no customer who bought both before and within a horizon: the ranker has no example to learn from. */
public final class NothingToLearnException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NothingToLearnException(String message) {
        super(message);
    }
}
