package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Releases pending points when the return window of their purchase closes (points.return-window-days after the
 * purchase day): the earn entry's points net of the returns already taken from pending move to the available
 * bucket, as two hold_release entries (pending minus, available plus) dated the day the window closed.
 */
public final class HoldReleases {
    private final int returnWindowDays;

    public HoldReleases(int returnWindowDays) {
        this.returnWindowDays = returnWindowDays;
    }

    /**
     * @param earnEntries    pending earn entries of the ledger and of tonight
     * @param reversals      reverse entries of the ledger and of tonight
     * @param releasedIds    related_entry_id of the hold_release entries already in the ledger
     */
    public Dataset<Row> release(Dataset<Row> earnEntries, Dataset<Row> reversals, Dataset<Row> releasedIds, LocalDate asOf) {
        Dataset<Row> pendingReturns = reversals.where(col("bucket").equalTo(Ledger.PENDING))
                .groupBy(col("related_entry_id").as("entry_id")).agg(sum("points").as("returned"));
        Dataset<Row> due = earnEntries.where(col("bucket").equalTo(Ledger.PENDING)
                        .and(date_add(col("source_date"), returnWindowDays).leq(lit(Date.valueOf(asOf)))))
                .join(releasedIds.select(col("related_entry_id").as("entry_id")).distinct(), new String[] {"entry_id"}, "left_anti")
                .join(pendingReturns, new String[] {"entry_id"}, "left")
                .withColumn("net", col("points").plus(coalesce(col("returned"), lit(0L))))
                .where(col("net").gt(0));
        Dataset<Row> base = due.select(col("customer_id"), lit(Ledger.HOLD_RELEASE).as("entry_type"), col("points_kind"),
                col("net"), date_add(col("source_date"), returnWindowDays).as("entry_date"), col("source_id"), col("source_date"),
                col("entry_id").as("related_entry_id"), lit("return_window").as("rule"), col("entry_id").as("id_key"));
        Dataset<Row> out = base.withColumn("bucket", lit(Ledger.PENDING)).withColumn("points", col("net").multiply(-1));
        Dataset<Row> in = base.withColumn("bucket", lit(Ledger.AVAILABLE)).withColumn("points", col("net"));
        return out.unionByName(in).drop("net").select(Ledger.DRAFT[0], java.util.Arrays.copyOfRange(Ledger.DRAFT, 1, Ledger.DRAFT.length));
    }
}
