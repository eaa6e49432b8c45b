package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Applies redemptions to the available balance. Redemptions already in the ledger are skipped (a rerun applies
 * nothing twice). The others are taken in date and id order per member; one whose running total exceeds the
 * available balance (entries up to the night, tonight's releases and reversals included) is not applied and goes
 * to quarantine as over_balance, and so is one dated after the night (future_date).
 */
public final class RedemptionStep {
    /** Accepted redemptions as draft redeem entries, and the rejected rows with their reason codes. */
    public record Result(Dataset<Row> entries, Dataset<Row> rejected) {
    }

    private RedemptionStep() {
    }

    /** The entry id a redemption gets in the ledger (same as {@link Ledger#finish} makes). */
    static Column entryId(Column redemptionId) {
        return sha2(concat_ws("|", lit(Ledger.REDEEM), lit("redemption"), lit(EarningRule.REDEEMABLE), lit(Ledger.AVAILABLE), redemptionId), 256);
    }

    /**
     * @param redemptions clean typed rows of {@link EventInputs#redemptions}
     * @param entries     ledger entries up to the night plus tonight's
     */
    public static Result apply(Dataset<Row> redemptions, Dataset<Row> entries, LocalDate asOf) {
        Dataset<Row> fresh = redemptions.join(entries.select(col("entry_id")), entryId(col("redemption_id")).equalTo(col("entry_id")), "left_anti");
        Dataset<Row> available = entries.where(col("bucket").equalTo(Ledger.AVAILABLE).and(col("entry_date").leq(lit(Date.valueOf(asOf)))))
                .groupBy("customer_id").agg(sum("points").as("available"));
        Column running = sum(col("points")).over(Window.partitionBy("customer_id").orderBy(col("redemption_date"), col("redemption_id"))
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow()));
        Column future = col("redemption_date").gt(lit(Date.valueOf(asOf)));
        Dataset<Row> judged = fresh.join(available, new String[] {"customer_id"}, "left")
                .withColumn("available", coalesce(col("available"), lit(0L)))
                .withColumn("running", when(future, lit(0L)).otherwise(running))
                .withColumn("reason_codes", when(future, array(lit("future_date")))
                        .when(col("running").gt(col("available")), array(lit("over_balance")))
                        .otherwise(array().cast("array<string>")))
                .localCheckpoint(true);
        Dataset<Row> accepted = judged.where(EventInputs.clean()).select(col("customer_id"), lit(Ledger.REDEEM).as("entry_type"),
                lit(EarningRule.REDEEMABLE).as("points_kind"), lit(Ledger.AVAILABLE).as("bucket"), col("points").multiply(-1).as("points"),
                col("redemption_date").as("entry_date"), col("redemption_id").as("source_id"), col("redemption_date").as("source_date"),
                lit(null).cast("string").as("related_entry_id"), lit("redemption").as("rule"), col("redemption_id").as("id_key"));
        return new Result(accepted, judged.where(EventInputs.clean().unary_$bang()));
    }
}
