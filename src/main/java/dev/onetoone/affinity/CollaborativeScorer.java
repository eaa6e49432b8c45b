package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.log1p;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.onetoone.config.OneToOneConfig.AffinityConfig;

/**
 * Similar customers: Spark MLlib ALS with implicit feedback (Hu, Koren and Volinsky 2008). The preference of a
 * customer for a product is 1 if they bought it; the confidence is {@code 1 + alpha * r} with
 * {@code r = log(1 + decayed purchase days)}, so that a product bought on many recent days counts more than one bought
 * once long ago, with diminishing returns.
 *
 * <p>Ids are mapped to the integers ALS needs with {@code zipWithIndex} (distributed, no driver-side map).
 * {@code affinity.als.checkpoint-interval} bounds the lineage of the iterations (a long lineage overflows the stack);
 * the checkpoint directory is set by the caller. Blocks default to the session's parallelism. The seed is fixed so
 * that a rerun gives the same ranking.
 *
 * <p>ALS has no factors for customers or products it was not trained on (its cold-start strategy can only drop them
 * or return NaN); those customers get no candidates here and are served by {@link PopularityScorer}. Scores below 0
 * (possible with unconstrained factors) count as 0; the rest are scaled so each customer's best is 1.
 */
final class CollaborativeScorer {
    static final long SEED = 20_240_101L;

    private CollaborativeScorer() {
    }

    /** Candidates for the given customers: customer_id, product_id, collaborative_score. */
    static Dataset<Row> score(Dataset<Row> lines, Dataset<Row> customers, AffinityConfig settings) {
        SparkSession spark = lines.sparkSession();
        Dataset<Row> ratings = ProductLines.decayedDays(lines, "product_id")
                .select(col("customer_id"), col("product_id"), log1p(col("decayed_days")).cast(DataTypes.FloatType).as("rating"));
        Dataset<Row> users = index(spark, ratings.select("customer_id").distinct(), "customer_id", "user");
        Dataset<Row> items = index(spark, ratings.select("product_id").distinct(), "product_id", "item");
        Dataset<Row> training = ratings.join(users, "customer_id").join(items, "product_id").select("user", "item", "rating")
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        try {
            int blocks = settings.als().blocks() > 0 ? settings.als().blocks() : spark.sparkContext().defaultParallelism();
            ALSModel model = new ALS()
                    .setImplicitPrefs(true)
                    .setRank(settings.als().rank())
                    .setMaxIter(settings.als().maxIter())
                    .setRegParam(settings.als().regParam())
                    .setAlpha(settings.als().alpha())
                    .setNumUserBlocks(blocks)
                    .setNumItemBlocks(blocks)
                    .setCheckpointInterval(settings.als().checkpointInterval())
                    .setSeed(SEED)
                    .setColdStartStrategy("drop")
                    .setUserCol("user").setItemCol("item").setRatingCol("rating")
                    .fit(training);
            Dataset<Row> wanted = users.join(customers, "customer_id", "left_semi").select("user");
            Dataset<Row> recommended = topItems(model, wanted, settings.candidatesPerSource())
                    .join(users, "user").join(items, "item")
                    .select("customer_id", "product_id", "collaborative_score");
            return Scores.scaleToCustomerMax(recommended, "collaborative_score").localCheckpoint(true);
        } finally {
            training.unpersist();
        }
    }

    /**
     * Each wanted user's {@code n} items with the largest predicted preference {@code x_u . y_i} (at least 0): the item
     * factors (product-level, small: items x rank floats) are broadcast, and each partition of user factors keeps a
     * bounded min-heap of n per user. Unlike {@code recommendForUserSubset}, no block cross-join of users and items is
     * shuffled, and memory per task is the broadcast plus one heap. Columns: user, item, collaborative_score.
     */
    static Dataset<Row> topItems(ALSModel model, Dataset<Row> wantedUsers, int n) {
        SparkSession spark = wantedUsers.sparkSession();
        List<Row> itemRows = model.itemFactors().collectAsList();
        int[] itemIds = new int[itemRows.size()];
        float[][] factors = new float[itemRows.size()][];
        for (int i = 0; i < itemIds.length; i++) {
            itemIds[i] = itemRows.get(i).getInt(0);
            List<Float> values = itemRows.get(i).getList(1);
            factors[i] = new float[values.size()];
            for (int f = 0; f < factors[i].length; f++) {
                factors[i][f] = values.get(f);
            }
        }
        var broadcastIds = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(itemIds);
        var broadcastFactors = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(factors);
        Dataset<Row> userFactors = model.userFactors().join(wantedUsers.withColumnRenamed("user", "id"), "id");
        StructType schema = new StructType()
                .add("user", DataTypes.IntegerType, false).add("item", DataTypes.IntegerType, false)
                .add("collaborative_score", DataTypes.DoubleType, false);
        JavaRDD<Row> top = userFactors.select("id", "features").toJavaRDD().mapPartitions(users -> {
            int[] ids = broadcastIds.value();
            float[][] itemFactors = broadcastFactors.value();
            List<Row> out = new ArrayList<>();
            while (users.hasNext()) {
                Row user = users.next();
                List<Float> values = user.getList(1);
                float[] x = new float[values.size()];
                for (int f = 0; f < x.length; f++) {
                    x[f] = values.get(f);
                }
                // Min-heap on score (ties: larger item id first out), so the heap keeps the n best.
                PriorityQueue<double[]> heap = new PriorityQueue<>(n + 1,
                        (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
                for (int i = 0; i < ids.length; i++) {
                    double dot = 0;
                    float[] y = itemFactors[i];
                    for (int f = 0; f < x.length; f++) {
                        dot += x[f] * y[f];
                    }
                    heap.add(new double[] {dot, ids[i]});
                    if (heap.size() > n) {
                        heap.poll();
                    }
                }
                for (double[] entry : heap) {
                    out.add(RowFactory.create(user.getInt(0), (int) entry[1], Math.max(0.0, entry[0])));
                }
            }
            return out.iterator();
        });
        return spark.createDataFrame(top, schema);
    }

    /** Distinct ids numbered 0, 1, ... without collecting them; fails if there are more than ALS's int range. */
    private static Dataset<Row> index(SparkSession spark, Dataset<Row> ids, String idColumn, String indexColumn) {
        JavaRDD<Row> numbered = ids.toJavaRDD().zipWithIndex().map(pair -> {
            if (pair._2() > Integer.MAX_VALUE) {
                throw new IllegalStateException("more than " + Integer.MAX_VALUE + " distinct values of " + idColumn + " for ALS");
            }
            return RowFactory.create(pair._1().getString(0), pair._2().intValue());
        });
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField(idColumn, DataTypes.StringType, false),
                DataTypes.createStructField(indexColumn, DataTypes.IntegerType, false)});
        return spark.createDataFrame(numbered, schema).localCheckpoint(true);
    }
}
