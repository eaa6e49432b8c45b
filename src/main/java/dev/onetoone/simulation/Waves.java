package dev.onetoone.simulation;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

import dev.onetoone.offers.GroupAssignment;
import dev.onetoone.offers.OfferGroup;

/**
 * A night's offer rows repeated in waves, for the closed loops: wave w (from 0) is dated {@code w x gap} days later,
 * and its offer ids carry {@code -w<w>} (wave 0 keeps the night's rows as they are). The waves come from one cross
 * join with the wave numbers, so the plan is the same size however many waves are asked for. The callers re-split
 * the groups of the later waves with {@link #control}, a salted draw per wave, campaign and customer.
 */
final class Waves {
    private static final String WAVE = "closed_loop_wave";

    private Waves() {
    }

    /** The rows of {@code night} repeated {@code count} times, with the wave number in a column of its own. */
    static Dataset<Row> repeat(Dataset<Row> night, int count, int gap) {
        Column shift = wave().multiply(gap).cast("int");
        Dataset<Row> numbers = night.sparkSession().range(count).withColumnRenamed("id", WAVE);
        return night.crossJoin(broadcast(numbers))
                .withColumn("offer_id", when(first(), col("offer_id")).otherwise(concat(col("offer_id"), lit("-w"), wave().cast("string"))))
                .withColumn("as_of", date_add(col("as_of"), shift))
                .withColumn("valid_from", date_add(col("valid_from"), shift))
                .withColumn("valid_to", date_add(col("valid_to"), shift));
    }

    /** True on the rows of wave 0, the night as the engine decided it. */
    static Column first() {
        return wave().equalTo(0);
    }

    /** True where the wave's draw puts the row's customer into the campaign's control group (draw below the share). */
    static Column control(String salt, double controlShare) {
        return GroupAssignment.draw(concat(lit(salt + "-wave-"), wave().cast("string")), OfferGroup.CONTROL.value(),
                col("campaign_id"), col("customer_id")).lt(controlShare);
    }

    /** The repeated rows in the columns of the night, without the wave number. */
    static Dataset<Row> inColumnsOf(Dataset<Row> night, Dataset<Row> repeated) {
        return repeated.select(Arrays.stream(night.columns()).map(functions::col).toArray(Column[]::new));
    }

    private static Column wave() {
        return col(WAVE);
    }
}
