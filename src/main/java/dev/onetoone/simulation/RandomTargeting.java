package dev.onetoone.simulation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The baseline the offers engine is measured against: the same offers, with the same terms, groups and channels (so
 * the same number of offers, the same discounts and the same control groups), given to customers drawn at random
 * instead of the customers the engine chose.
 *
 * <p>Within each as-of date and campaign the offers, in a salted hash order of their offer_id, are dealt to the customers in a
 * salted hash order of their customer_id, so every customer gets at most one offer of a campaign and the draw is
 * deterministic for a salt. A campaign with more offers than customers keeps only as many offers as there are
 * customers. The offer_id is kept: a simulation then draws the same random numbers for an offer in both arms.
 * Distributed: two windows partitioned by as-of date and campaign, no collect.
 */
public final class RandomTargeting {
    private RandomTargeting() {
    }

    /**
     * @param offers    rows of the offers table
     * @param customers the customers to draw from (a customer_id column; duplicates are dropped)
     * @param salt      makes the draw reproducible; another salt gives another draw
     * @return the offers with customer_id replaced by the drawn customer, in the columns of {@code offers}
     */
    public static Dataset<Row> reassign(Dataset<Row> offers, Dataset<Row> customers, String salt) {
        Dataset<Row> dealt = offers
                .withColumn("random_slot", row_number().over(Window.partitionBy("as_of", "campaign_id")
                        .orderBy(sha2(concat_ws("|", lit(salt), col("offer_id")), 256), col("offer_id"))));
        Dataset<Row> drawn = customers.select(col("customer_id").as("random_customer_id")).distinct()
                .crossJoin(offers.select(col("as_of").as("random_as_of"), col("campaign_id").as("random_campaign_id")).distinct())
                .withColumn("random_slot", row_number().over(Window.partitionBy("random_as_of", "random_campaign_id")
                        .orderBy(sha2(concat_ws("|", lit(salt), col("random_campaign_id"), col("random_customer_id")), 256),
                                col("random_customer_id"))));
        Dataset<Row> joined = dealt.join(drawn, dealt.col("as_of").equalTo(drawn.col("random_as_of"))
                .and(dealt.col("campaign_id").equalTo(drawn.col("random_campaign_id")))
                .and(dealt.col("random_slot").equalTo(drawn.col("random_slot"))));
        String[] columns = offers.columns();
        return joined.withColumn("customer_id", col("random_customer_id"))
                .select(columns[0], java.util.Arrays.copyOfRange(columns, 1, columns.length));
    }
}
