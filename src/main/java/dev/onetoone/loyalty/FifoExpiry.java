package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Expires available points points.expiry-days after the day they were earned, first in first out: redemptions and
 * other debits use the oldest points first, so what expires is what is left of the oldest lots. With C(s) the
 * points of the lots expired by day s and D(s) the debits made by day s, first-in-first-out leaves
 * C(s) - D(s) - X(s-) of the expired lots unused at s, hence the points expired by day t are
 * X(t) = max(0, max over s <= t of (C(s) - D(s))): a running sum over each member's credits (at their expiry day)
 * and debits (at their day, before a credit of the same day, so points can be spent on their last day). Tonight's
 * expiry entry is X(as_of) minus what the ledger has expired already; it is dated the night.
 */
public final class FifoExpiry {
    private final int expiryDays;

    public FifoExpiry(int expiryDays) {
        this.expiryDays = expiryDays;
    }

    /** @param entries ledger entries and tonight's, redemptions included */
    public Dataset<Row> expire(Dataset<Row> entries, LocalDate asOf) {
        Date night = Date.valueOf(asOf);
        Dataset<Row> available = entries.where(col("bucket").equalTo(Ledger.AVAILABLE).and(col("entry_date").leq(lit(night))));
        Dataset<Row> credits = available.where(col("points").gt(0))
                .select(col("customer_id"), date_add(coalesce(col("source_date"), col("entry_date")), expiryDays).as("event_date"),
                        lit(1).as("event_order"), col("points").as("change"))
                .where(col("event_date").leq(lit(night)));
        Dataset<Row> debits = available.where(col("points").lt(0).and(col("entry_type").notEqual(Ledger.EXPIRE)))
                .select(col("customer_id"), col("entry_date").as("event_date"), lit(0).as("event_order"), col("points").as("change"));
        // Every expiry in the ledger, also those dated after the night: a backfilled earlier night then expires
        // nothing that a later night has expired already (X only grows with the day).
        Dataset<Row> expiredSoFar = entries.where(col("entry_type").equalTo(Ledger.EXPIRE))
                .groupBy("customer_id").agg(sum("points").multiply(-1).as("expired"));
        Dataset<Row> due = credits.unionByName(debits)
                .withColumn("running", sum("change").over(Window.partitionBy("customer_id").orderBy("event_date", "event_order")
                        .rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
                .groupBy("customer_id").agg(greatest(lit(0L), max("running")).as("should_have_expired"))
                .join(expiredSoFar, new String[] {"customer_id"}, "left")
                .withColumn("points", col("should_have_expired").minus(coalesce(col("expired"), lit(0L))))
                .where(col("points").gt(0));
        return due.select(col("customer_id"), lit(Ledger.EXPIRE).as("entry_type"), lit(EarningRule.REDEEMABLE).as("points_kind"),
                lit(Ledger.AVAILABLE).as("bucket"), col("points").multiply(-1).as("points"), lit(night).as("entry_date"),
                col("customer_id").as("source_id"), lit(null).cast("date").as("source_date"), lit(null).cast("string").as("related_entry_id"),
                lit("expiry_fifo").as("rule"), concat_ws("|", col("customer_id"), lit(asOf.toString())).as("id_key"));
    }
}
