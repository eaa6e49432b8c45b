package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One earning rule: a strategy that turns the night's purchase lines into points. A rule returns one row per
 * award with the columns of {@link #OUTPUT}; the {@link EarningStep} runs the configured rules in order, names each
 * entry after the rule's id, applies the caps and writes earn entries to the ledger. Adding a rule is one class
 * implementing this interface plus one line in {@link EarningRules#create}; docs/loyalty.md has a worked example.
 */
public interface EarningRule {
    /**
     * Columns of a rule's output: customer_id, source_id (the line or offer that earned), source_date (the purchase
     * day), transaction_key (the basket, for the per-transaction cap), points_kind (redeemable or qualifying),
     * points (whole, at least 0) and entry_key (unique within the rule and kind; the same award on a rerun gets
     * the same key, so it is stored once).
     */
    String[] OUTPUT = {"customer_id", "source_id", "source_date", "transaction_key", "points_kind", "points", "entry_key"};

    String REDEEMABLE = "redeemable";
    String QUALIFYING = "qualifying";

    /** Points for the lines of the night; see {@link EarningInputs} for what a rule can read. */
    Dataset<Row> earn(EarningInputs inputs);

    /** Redeemable points per line, rounded down, keyed by the line: the shape most rules need. */
    static Dataset<Row> perLine(Dataset<Row> lines, Column points) {
        return lines.select(col("customer_id"), col("line_id").as("source_id"), col("purchase_date").as("source_date"),
                col("transaction_key"), lit(REDEEMABLE).as("points_kind"), floor(round(points, 6)).cast("long").as("points"),
                col("line_id").as("entry_key"));
    }
}
