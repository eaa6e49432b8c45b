package dev.onetoone.operations;

/** Another run holds the warehouse's run lock (exit code 4). */
public final class RunLockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunLockedException(String message) {
        super(message);
    }
}
