package dev.onetoone.benchmark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;

import java.nio.file.Path;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import dev.onetoone.io.JobDescription;

/**
 * The floor: the least work any Spark job on the benchmark's transactions must do. It reads the Parquet lines, makes
 * one group-by per customer (lines, amount, last purchase day) and writes one Delta table. A stage's time divided
 * by this is what the stage costs beyond reading its input and writing a per-customer result.
 */
public final class FloorJob {
    private FloorJob() {
    }

    /** Runs the floor on {@code transactions} (a Parquet directory), overwriting the Delta table at {@code output}. */
    public static StageMeasurement run(SparkSession spark, Path transactions, Path output, String step) {
        HeapPeak.reset();
        long started = System.nanoTime();
        try {
            JobDescription.set(spark, "benchmark", "floor " + step);
            spark.read().parquet(transactions.toString())
                    .groupBy("customer_id")
                    .agg(count(lit(1)).as("lines"), sum(col("amount")).as("amount"), max(to_date(col("ts"))).as("last_purchase_date"))
                    .write().format("delta").mode(SaveMode.Overwrite).save(output.toString());
            double seconds = (System.nanoTime() - started) / 1e9;
            long peak = HeapPeak.peakBytes();
            double load = StageMeasurement.currentLoadAverage();
            // Counted from the small written table, after the clock stopped.
            JobDescription.set(spark, "benchmark", "floor " + step + " (count, not timed)");
            Row counts = spark.read().format("delta").load(output.toString()).agg(sum("lines"), count(lit(1))).first();
            long linesIn = counts.isNullAt(0) ? 0 : counts.getLong(0);
            return new StageMeasurement(StageMeasurement.FLOOR, step, seconds, linesIn, counts.getLong(1), peak, load);
        } finally {
            JobDescription.clear(spark);
        }
    }
}
