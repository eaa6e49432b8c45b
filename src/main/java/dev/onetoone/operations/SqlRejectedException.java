package dev.onetoone.operations;

/** The {@code sql} command refused a statement: it would write, or read outside the warehouse (exit code 2). */
public final class SqlRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SqlRejectedException(String message) {
        super(message);
    }
}
