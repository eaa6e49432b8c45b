package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Reverses the points of returned lines. Ingest marks a return with is_return and a negative quantity, without a
 * link to the purchase, so a return is matched to the member's latest earlier purchase line of the same product;
 * every earn entry of that line (each rule, both kinds) is reversed by the returned share of its quantity, capped
 * at the whole line. The reversal takes the points from the pending bucket while the line's return window is open
 * and its points not yet released, otherwise from the available bucket. Returns without a product id or without
 * an earlier purchase of it reverse nothing and are counted.
 */
public final class ReturnReversals {
    private final int returnWindowDays;

    public ReturnReversals(int returnWindowDays) {
        this.returnWindowDays = returnWindowDays;
    }

    /** Each return line with the purchase line it returns (null when none matches): return_line_id, original_line_id, share. */
    public static Dataset<Row> match(Dataset<Row> returns, Dataset<Row> purchases) {
        Dataset<Row> originals = purchases.select(col("line_id").as("original_line_id"), col("customer_id").as("o_customer"),
                col("product_id").as("o_product"), col("purchase_date").as("o_date"), col("ts").as("o_ts"), col("quantity").as("o_quantity"));
        Column sameProduct = col("customer_id").equalTo(col("o_customer")).and(col("product_id").equalTo(col("o_product")))
                .and(col("o_date").leq(col("purchase_date")));
        return returns.join(originals, sameProduct, "left")
                .withColumn("pick", row_number().over(Window.partitionBy("line_id")
                        .orderBy(col("o_date").desc_nulls_last(), col("o_ts").desc_nulls_last(), col("original_line_id").desc_nulls_last())))
                .where(col("pick").equalTo(1))
                .select(col("line_id").as("return_line_id"), col("customer_id"), col("purchase_date").as("return_date"), col("original_line_id"),
                        when(col("o_quantity").gt(0), least(lit(1.0), abs(col("quantity")).divide(col("o_quantity")))).otherwise(lit(1.0)).as("share"));
    }

    /**
     * Draft reverse entries, less those the ledger holds already for the same return line and earn entry. The
     * bucket is part of an entry's id and depends on whether the earn entry was released when the night ran, so a
     * return line read again by a later night (the late-arrival window) after its purchase's release would otherwise
     * be reversed a second time, from available.
     *
     * @param reversals reverse entries of the ledger
     */
    public Dataset<Row> reverse(Dataset<Row> matched, Dataset<Row> earnEntries, Dataset<Row> releasedIds, Dataset<Row> reversals) {
        return reverse(matched, earnEntries, releasedIds)
                .join(reversals.select("source_id", "related_entry_id"), new String[] {"source_id", "related_entry_id"}, "left_anti");
    }

    /**
     * Draft reverse entries.
     *
     * @param matched     output of {@link #match}
     * @param earnEntries earn entries of the ledger and of tonight
     * @param releasedIds entry ids (related_entry_id) of earn entries already released in the ledger
     */
    public Dataset<Row> reverse(Dataset<Row> matched, Dataset<Row> earnEntries, Dataset<Row> releasedIds) {
        Dataset<Row> earned = earnEntries.select(col("entry_id").as("earn_entry_id"), col("source_id").as("original_line_id"),
                col("points_kind"), col("bucket").as("earn_bucket"), col("points").as("earned_points"), col("source_date"));
        Dataset<Row> released = releasedIds.select(col("related_entry_id").as("released_id")).distinct();
        Column stillPending = col("earn_bucket").equalTo(Ledger.PENDING)
                .and(col("return_date").lt(date_add(col("source_date"), returnWindowDays)))
                .and(col("released_id").isNull());
        return matched.where(col("original_line_id").isNotNull())
                .join(earned, "original_line_id")
                .join(released, col("earn_entry_id").equalTo(col("released_id")), "left")
                .select(col("customer_id"), lit(Ledger.REVERSE).as("entry_type"), col("points_kind"),
                        when(col("earn_bucket").equalTo(Ledger.QUALIFYING), lit(Ledger.QUALIFYING))
                                .when(stillPending, lit(Ledger.PENDING)).otherwise(lit(Ledger.AVAILABLE)).as("bucket"),
                        round(col("share").multiply(col("earned_points"))).cast("long").multiply(-1).as("points"),
                        col("return_date").as("entry_date"), col("return_line_id").as("source_id"), col("source_date"),
                        col("earn_entry_id").as("related_entry_id"), lit("return").as("rule"),
                        concat_ws("|", col("return_line_id"), col("earn_entry_id")).as("id_key"))
                .where(col("points").notEqual(0));
    }
}
