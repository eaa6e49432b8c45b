package dev.onetoone.pipeline;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.onetoone.io.Tables;

/**
 * Runs a stage and appends its row to {@code run_log}, whether it succeeds, fails a quality gate or throws. The
 * Spark job group is set to the stage name so the Spark UI and logs say which stage a job belongs to.
 */
public final class RunLog {
    /** run_log statuses of a stage that finished: its tables were written. */
    static final List<String> SUCCEEDED = List.of("succeeded", "succeeded_with_warnings");

    private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);

    private final RunContext context;
    private final StageObserver observer;

    public RunLog(RunContext context) {
        this(context, StageObserver.NONE);
    }

    public RunLog(RunContext context, StageObserver observer) {
        this.context = context;
        this.observer = observer;
    }

    public StageResult run(String stage, LocalDate asOf, Supplier<StageResult> body) {
        if (!observer.shouldRun(stage)) {
            LOG.info("stage {} skipped (run {}, as_of {})", stage, context.runId(), asOf);
            return new StageResult(stage, 0, 0, 0, stage + ": skipped", Map.of());
        }
        observer.beforeStage(stage, asOf);
        StageResult observed = null;
        try {
            observed = logged(stage, asOf, body);
            return observed;
        } finally {
            observer.afterStage(stage, asOf, observed);
        }
    }

    private StageResult logged(String stage, LocalDate asOf, Supplier<StageResult> body) {
        Instant started = context.now();
        var sparkContext = context.warehouse().spark().sparkContext();
        sparkContext.setJobGroup(stage, "onetoone " + stage + (asOf == null ? "" : " as of " + asOf) + " (run " + context.runId() + ")", false);
        LOG.info("stage {} started (run {}, as_of {})", stage, context.runId(), asOf);
        try {
            StageResult result = body.get();
            boolean warned = result.details().getOrDefault(StageResult.WARNINGS, 0L) > 0;
            write(result, asOf, started, SUCCEEDED.get(warned ? 1 : 0), result.message());
            LOG.info("stage {} succeeded: {} in, {} out, {} quarantined", stage, result.rowsIn(), result.rowsOut(), result.rowsQuarantined());
            return result;
        } catch (QualityGateFailure failure) {
            write(failure.result(), asOf, started, "quality_failed", failure.getMessage());
            throw new DataQualityException(failure.getMessage());
        } catch (RuntimeException e) {
            write(new StageResult(stage, 0, 0, 0, null, Map.of()), asOf, started, "failed", String.valueOf(e.getMessage()));
            throw e;
        } finally {
            sparkContext.clearJobGroup();
        }
    }

    private void write(StageResult result, LocalDate asOf, Instant started, String status, String message) {
        Instant ended = context.now();
        Row row = RowFactory.create(
                context.runId(), result.stage(), asOf == null ? null : Date.valueOf(asOf),
                Timestamp.from(started), Timestamp.from(ended),
                Duration.between(started, ended).toMillis() / 1000.0,
                result.rowsIn(), result.rowsOut(), result.rowsQuarantined(), status, message,
                result.details());
        var spark = context.warehouse().spark();
        context.warehouse().append(Tables.RUN_LOG, spark.createDataFrame(List.of(row), Tables.RUN_LOG.schema()));
    }

    /** Thrown inside a stage body when a quality gate fails after the stage has written what must be kept. */
    public static final class QualityGateFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient StageResult result;

        public QualityGateFailure(String message, StageResult result) {
            super(message);
            this.result = result;
        }

        public StageResult result() {
            return result;
        }
    }
}
