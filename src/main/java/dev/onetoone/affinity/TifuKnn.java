package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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
 * (the published code uses Euclidean distance on dense vectors; cosine on the sparse vectors needs only the customers
 * who share a product). They are searched among at most {@code affinity.tifu.pool-size} customers (see
 * {@link NeighbourPool}): a search over all customers costs the sum over products of the square of their buyers,
 * which a catalogue of popular products makes quadratic in the customers.</li>
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
                .withColumn("group_index", col("newest_position").divide(settings.tifu().groupSize()).cast(DataTypes.IntegerType))
                .withColumn("in_group", col("newest_position").mod(settings.tifu().groupSize()));
        Dataset<Row> groupSizes = numbered.groupBy("customer_id", "group_index").agg(count(lit(1)).as("group_baskets"));
        Dataset<Row> groupCounts = groupSizes.groupBy("customer_id").agg(count(lit(1)).as("groups"));
        Column weight = pow(lit(settings.tifu().acrossGroupDecay()), col("group_index"))
                .multiply(pow(lit(settings.tifu().withinGroupDecay()), col("in_group")))
                .divide(col("group_baskets")).divide(col("groups"));
        return lines.select("customer_id", "basket", "product_id").distinct()
                .join(numbered, new String[] {"customer_id", "basket"})
                .join(groupSizes, new String[] {"customer_id", "group_index"})
                .join(groupCounts, "customer_id")
                .groupBy("customer_id", "product_id")
                .agg(Scores.orderFreeSum(weight).as("own_vector"));
    }

    /**
     * Scores for the wanted customers: customer_id, product_id, own_vector, neighbour_vector (the mean of the
     * neighbours' vectors) and tifu_score ({@code p(i)}), for every product in the customer's own vector and the
     * {@code affinity.tifu.max-products} best products that only its neighbours bought.
     *
     * <p>Neighbours are searched in a {@link NeighbourPool} of at most {@code affinity.tifu.pool-size} customers:
     * every customer when there are no more (the exact search), otherwise the customers first in order of the hash
     * of their id. The pool is collected and broadcast, bounded by its size; the wanted customers are scored where
     * their vectors are, in one pass.
     *
     * @param vectors {@link #ownVectors} of all customers
     */
    static Dataset<Row> score(Dataset<Row> vectors, Dataset<Row> customers, RankerConfig settings) {
        return score(vectors, poolIds(vectors, settings), customers, settings);
    }

    /**
     * {@link #score(Dataset, Dataset, RankerConfig)} from the purchase lines, with own vectors built only for the
     * pool's members and the wanted customers: a customer's own vector depends on their own baskets alone, so the
     * scores are those of the vectors of every customer, while a night that ranks a few customers does not build a
     * vector for each of the others.
     *
     * @param lines {@link ProductLines#of} rows of all customers, or at least of the pool and the given customers
     *              ({@link #linesOfPoolAndCustomers})
     */
    static Dataset<Row> scoreFromLines(Dataset<Row> lines, Dataset<Row> customers, RankerConfig settings) {
        Dataset<Row> poolIds = poolIds(lines, settings).localCheckpoint(true);
        Dataset<Row> vectors = ownVectors(linesOf(lines, poolIds, customers), settings).localCheckpoint(true);
        return score(vectors, poolIds, customers, settings);
    }

    /**
     * The lines of the neighbour pool's members and of the given customers: all that {@link #scoreFromLines} reads.
     * The pool is the same when drawn from these lines as from all: its members come first in the order it is drawn
     * in, among any customers.
     */
    static Dataset<Row> linesOfPoolAndCustomers(Dataset<Row> lines, Dataset<Row> customers, RankerConfig settings) {
        return linesOf(lines, poolIds(lines, settings).localCheckpoint(true), customers);
    }

    private static Dataset<Row> linesOf(Dataset<Row> lines, Dataset<Row> poolIds, Dataset<Row> customers) {
        // Flags from two outer joins rather than a union of the two id sets: Spark 4.1's optimiser fails on a union of
        // two local checkpoints ("key not found" while rewriting the union's constraints).
        return lines
                .join(poolIds.withColumn("in_pool", lit(true)), new String[] {"customer_id"}, "left")
                .join(customers.select("customer_id").distinct().withColumn("wanted", lit(true)), new String[] {"customer_id"}, "left")
                .where(col("in_pool").isNotNull().or(col("wanted").isNotNull()))
                .drop("in_pool", "wanted");
    }

    /** The pool's customer ids: the first {@code affinity.tifu.pool-size} of those in {@code rows}, in order of the id's hash. */
    private static Dataset<Row> poolIds(Dataset<Row> rows, RankerConfig settings) {
        return rows.select("customer_id").distinct()
                .orderBy(xxhash64(col("customer_id")), col("customer_id")).limit(settings.tifu().poolSize());
    }

    private static Dataset<Row> score(Dataset<Row> vectors, Dataset<Row> poolIds, Dataset<Row> customers, RankerConfig settings) {
        List<Row> poolRows = vectors.join(poolIds, "customer_id", "left_semi")
                .select(col("customer_id"), col("product_id"), col("own_vector")).collectAsList();
        NeighbourPool pool = NeighbourPool.of(poolRows);
        Broadcast<NeighbourPool> shared = JavaSparkContext.fromSparkContext(vectors.sparkSession().sparkContext()).broadcast(pool);
        int neighbours = settings.tifu().neighbours();
        double alpha = settings.tifu().alpha();
        int maxProducts = settings.tifu().maxProducts();
        Dataset<Row> grouped = vectors.join(customers, "customer_id", "left_semi")
                .groupBy("customer_id")
                .agg(collect_list(struct(col("product_id"), col("own_vector"))).as("vector"));
        return grouped.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            NeighbourPool.Scorer scorer = shared.value().new Scorer();
            List<Row> out = new ArrayList<>();
            while (rows.hasNext()) {
                Row row = rows.next();
                String customer = row.getString(0);
                List<Row> vector = row.getList(1);
                String[] products = new String[vector.size()];
                double[] own = new double[vector.size()];
                for (int i = 0; i < own.length; i++) {
                    products[i] = vector.get(i).getString(0);
                    own[i] = vector.get(i).getDouble(1);
                }
                for (NeighbourPool.Scored scored : scorer.score(customer, products, own, neighbours, alpha, maxProducts)) {
                    out.add(RowFactory.create(customer, scored.productId(), scored.ownVector(), scored.neighbourVector(), scored.tifuScore()));
                }
            }
            return out.iterator();
        }, Encoders.row(SCORES));
    }

    private static final StructType SCORES = new StructType()
            .add("customer_id", DataTypes.StringType, false)
            .add("product_id", DataTypes.StringType, false)
            .add("own_vector", DataTypes.DoubleType, false)
            .add("neighbour_vector", DataTypes.DoubleType, false)
            .add("tifu_score", DataTypes.DoubleType, false);

    /** The TIFU-KNN baseline ranking: customer_id, product_id, rank (1..k) by tifu_score, ties by product id. */
    public static Dataset<Row> rank(Dataset<Row> scores, int k) {
        return Scores.topPerGroup(scores.where(col("tifu_score").gt(0)), "customer_id", k, col("tifu_score").desc(), col("product_id"))
                .withColumn("rank", row_number().over(Window.partitionBy("customer_id").orderBy(col("tifu_score").desc(), col("product_id"))))
                .select("customer_id", "product_id", "rank");
    }
}
