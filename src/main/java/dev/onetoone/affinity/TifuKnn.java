package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.config.OneToOneConfig.RankerConfig;

/**
 * TIFU-KNN (Hu, He, Wang, Yang and Li, "Modeling Personalized Item Frequency Information for Next-basket
 * Recommendation", SIGIR 2020): a customer's time-decayed basket vector, blended with the mean vector of their nearest
 * customers.
 *
 * <ul>
 * <li><b>Own vector</b> (paper, eq. 1-3): the customer's baskets, newest first, are cut into groups of {@code m}
 * consecutive baskets (the oldest group may be shorter). A group's vector is the mean of its binary basket vectors,
 * the {@code j}-th newest in the group weighted {@code r_b^j} ({@code j = 0} newest); the customer's vector is the
 * mean of the group vectors, the {@code g}-th newest group weighted {@code r_g^g}. So the score of product {@code i}
 * is {@code u(i) = 1/G * sum over groups g of r_g^g / |g| * sum over baskets j of g holding i of r_b^j}.</li>
 * <li><b>Neighbours</b> (eq. 4): the {@code k} customers whose own vectors are most similar, by cosine similarity
 * (the published code uses Euclidean distance on dense vectors; cosine on the sparse vectors needs only the pairs of
 * customers who share a product, which keeps the work proportional to co-purchases rather than to customers
 * squared).</li>
 * <li><b>Prediction</b> (eq. 5): {@code p(i) = alpha * u(i) + (1 - alpha) * mean over neighbours n of u_n(i)}.</li>
 * </ul>
 * The defaults of {@code affinity.tifu.*} are the paper's settings for its smaller data set (TaFeng: m = 7,
 * r_b = 0.9, r_g = 0.7, k = 300, alpha = 0.7).
 */
public final class TifuKnn {
    private TifuKnn() {
    }

    /**
     * Own vectors: customer_id, product_id, own_vector ({@code u(i)} above), for every customer in the lines.
     *
     * @param lines {@link ProductLines#of} rows
     */
    static Dataset<Row> ownVectors(Dataset<Row> lines, RankerConfig settings) {
        Dataset<Row> baskets = lines.groupBy("customer_id", "basket").agg(max("purchase_date").as("basket_date"));
        Dataset<Row> numbered = baskets
                .withColumn("newest_position", row_number().over(Window.partitionBy("customer_id")
                        .orderBy(col("basket_date").desc(), col("basket").desc())).minus(1))
                .withColumn("group_index", col("newest_position").divide(settings.tifuGroupSize()).cast(DataTypes.IntegerType))
                .withColumn("in_group", col("newest_position").mod(settings.tifuGroupSize()));
        Dataset<Row> groupSizes = numbered.groupBy("customer_id", "group_index").agg(count(lit(1)).as("group_baskets"));
        Dataset<Row> groupCounts = groupSizes.groupBy("customer_id").agg(count(lit(1)).as("groups"));
        Column weight = pow(lit(settings.tifuAcrossGroupDecay()), col("group_index"))
                .multiply(pow(lit(settings.tifuWithinGroupDecay()), col("in_group")))
                .divide(col("group_baskets")).divide(col("groups"));
        return lines.select("customer_id", "basket", "product_id").distinct()
                .join(numbered, new String[] {"customer_id", "basket"})
                .join(groupSizes, new String[] {"customer_id", "group_index"})
                .join(groupCounts, "customer_id")
                .groupBy("customer_id", "product_id")
                .agg(sum(weight).as("own_vector"));
    }

    /**
     * Scores for the wanted customers: customer_id, product_id, own_vector, neighbour_vector (the mean of the
     * neighbours' vectors) and tifu_score ({@code p(i)}), for every product in the customer's own vector or any
     * neighbour's.
     *
     * @param vectors {@link #ownVectors} of all customers
     */
    static Dataset<Row> score(Dataset<Row> vectors, Dataset<Row> customers, RankerConfig settings) {
        Dataset<Row> norms = vectors.groupBy("customer_id").agg(sqrt(sum(col("own_vector").multiply(col("own_vector")))).as("norm"));
        Dataset<Row> mine = vectors.join(customers, "customer_id", "left_semi")
                .select(col("customer_id"), col("product_id"), col("own_vector").as("mine"));
        Dataset<Row> theirs = vectors.select(col("customer_id").as("neighbour_id"), col("product_id"), col("own_vector").as("theirs"));
        Dataset<Row> dots = mine.join(theirs, "product_id")
                .where(col("customer_id").notEqual(col("neighbour_id")))
                .groupBy("customer_id", "neighbour_id")
                .agg(sum(col("mine").multiply(col("theirs"))).as("dot"));
        Dataset<Row> similar = dots
                .join(norms, "customer_id")
                .join(norms.select(col("customer_id").as("neighbour_id"), col("norm").as("neighbour_norm")), "neighbour_id")
                .withColumn("similarity", col("dot").divide(col("norm").multiply(col("neighbour_norm"))));
        Dataset<Row> nearest = Scores.topPerGroup(similar, "customer_id", settings.tifuNeighbours(),
                col("similarity").desc(), col("neighbour_id")).select("customer_id", "neighbour_id");
        // Divide by k, as in eq. 4, even when fewer than k customers share a product: a customer with few similar
        // customers gets a smaller neighbour term, not an inflated one.
        Dataset<Row> neighbourMean = nearest.join(theirs, "neighbour_id")
                .groupBy("customer_id", "product_id")
                .agg(sum("theirs").divide((double) settings.tifuNeighbours()).as("neighbour_vector"));
        double alpha = settings.tifuAlpha();
        return mine.withColumnRenamed("mine", "own_vector")
                .join(neighbourMean, new String[] {"customer_id", "product_id"}, "full_outer")
                .na().fill(0.0, new String[] {"own_vector", "neighbour_vector"})
                .withColumn("tifu_score", col("own_vector").multiply(alpha).plus(col("neighbour_vector").multiply(1.0 - alpha)));
    }

    /** The TIFU-KNN baseline ranking: customer_id, product_id, rank (1..k) by tifu_score, ties by product id. */
    public static Dataset<Row> rank(Dataset<Row> scores, int k) {
        return Scores.topPerGroup(scores.where(col("tifu_score").gt(0)), "customer_id", k, col("tifu_score").desc(), col("product_id"))
                .withColumn("rank", row_number().over(Window.partitionBy("customer_id").orderBy(col("tifu_score").desc(), col("product_id"))))
                .select("customer_id", "product_id", "rank");
    }
}
