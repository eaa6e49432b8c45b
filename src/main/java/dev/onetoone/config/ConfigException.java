package dev.onetoone.config;

/** A configuration or usage problem; the CLI maps it to exit code 2. The message names the offending key. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
