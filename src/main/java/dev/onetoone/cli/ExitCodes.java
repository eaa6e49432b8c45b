package dev.onetoone.cli;

import dev.onetoone.config.ConfigException;
import dev.onetoone.operations.RunLockedException;
import dev.onetoone.operations.SqlRejectedException;
import dev.onetoone.pipeline.DataQualityException;
import picocli.CommandLine;

/** The process exit codes, and the one place that maps exceptions to them. */
public final class ExitCodes implements CommandLine.IExitCodeExceptionMapper {
    public static final int OK = 0;
    public static final int STAGE_FAILED = 1;
    public static final int USAGE_OR_CONFIG = 2;
    public static final int DATA_QUALITY = 3;
    public static final int RUN_LOCKED = 4;

    @Override
    public int getExitCode(Throwable exception) {
        if (exception instanceof ConfigException || exception instanceof CommandLine.ParameterException
                || exception instanceof SqlRejectedException) {
            return USAGE_OR_CONFIG;
        }
        if (exception instanceof DataQualityException) {
            return DATA_QUALITY;
        }
        if (exception instanceof RunLockedException) {
            return RUN_LOCKED;
        }
        return STAGE_FAILED;
    }
}
