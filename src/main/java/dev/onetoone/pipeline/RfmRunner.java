package dev.onetoone.pipeline;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.onetoone.io.JobDescription;
import dev.onetoone.io.Tables;
import dev.onetoone.rfm.RfmScoring;

/**
 * Brings customer_state to the as-of date ({@link CustomerStateUpdater}: the new lines folded in, or an explicit
 * rebuild), computes RFM for that date from the state, and replaces that date's partition of {@code rfm}. No pass
 * over the transaction lines unless the state is rebuilt.
 */
public final class RfmRunner {
    private final RunContext context;
    private final RunLog runLog;

    public RfmRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    public StageResult run(LocalDate asOf) {
        return run(asOf, StateUpdate.FOLD);
    }

    /** RFM for {@code asOf}, from customer_state brought to that date as {@code update} says. */
    public StageResult run(LocalDate asOf, StateUpdate update) {
        return runLog.run("rfm", asOf, () -> {
            var warehouse = context.warehouse();
            var spark = warehouse.spark();
            Map<String, Long> details = new LinkedHashMap<>();
            Dataset<Row> state = new CustomerStateUpdater(context, "rfm").stateAsOf(asOf, update, details).forReuse();
            try {
                JobDescription.set(spark, "rfm", "quantiles and scores from customer_state");
                Dataset<Row> rfm = new RfmScoring(context.config().rfm().quantileRelativeError()).fromState(state, asOf);
                JobDescription.set(spark, "rfm", "write rfm");
                warehouse.overwriteAsOf(Tables.RFM, rfm, asOf);
                JobDescription.set(spark, "rfm", "count segments");
                long stateRows = state.count();
                Dataset<Row> written = warehouse.readAsOf(Tables.RFM, asOf);
                long customers = 0;
                for (Row row : written.groupBy("segment").count().orderBy("segment").collectAsList()) {
                    details.put("segment_" + row.getString(0), row.getLong(1));
                    customers += row.getLong(1);
                }
                return new StageResult("rfm", stateRows, customers, 0,
                        "rfm: " + customers + " customers scored as of " + asOf + " from " + stateRows + " customer_state rows", details);
            } finally {
                state.unpersist();
                JobDescription.clear(spark);
            }
        });
    }
}
