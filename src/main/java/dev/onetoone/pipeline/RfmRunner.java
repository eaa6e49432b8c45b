package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.onetoone.io.Tables;
import dev.onetoone.rfm.RfmStage;

/** Reads the transactions, computes RFM for one as-of date and replaces that date's partition of {@code rfm}. */
public final class RfmRunner {
    private final RunContext context;
    private final RunLog runLog;

    public RfmRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    public StageResult run(LocalDate asOf) {
        return runLog.run("rfm", asOf, () -> {
            var warehouse = context.warehouse();
            Dataset<Row> transactions = warehouse.read(Tables.TRANSACTIONS);
            long linesIn = transactions.where(col("purchase_date").leq(lit(Date.valueOf(asOf)))).count();
            Dataset<Row> rfm = new RfmStage(context.config().rfm().quantileRelativeError()).compute(transactions, asOf);
            warehouse.overwriteAsOf(Tables.RFM, rfm, asOf);
            rfm.unpersist();
            Dataset<Row> written = warehouse.readAsOf(Tables.RFM, asOf);
            long customers = written.count();
            Map<String, Long> details = new LinkedHashMap<>();
            for (Row row : written.groupBy("segment").count().orderBy("segment").collectAsList()) {
                details.put("segment_" + row.getString(0), row.getLong(1));
            }
            return new StageResult("rfm", linesIn, customers, 0,
                    "rfm: " + customers + " customers scored as of " + asOf + " from " + linesIn + " transaction lines", details);
        });
    }
}
