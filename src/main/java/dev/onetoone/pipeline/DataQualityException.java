package dev.onetoone.pipeline;

/** A data-quality gate stopped the run (exit code 3). Whatever was quarantined has been written before. */
public final class DataQualityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataQualityException(String message) {
        super(message);
    }
}
