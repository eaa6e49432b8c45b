package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.log1p;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>Ids are mapped to the integers ALS needs with {@code zipWithIndex} over the sorted ids (distributed, no
 * driver-side map), so that the numbers, and with them ALS's blocks and initial factors, depend on the ids alone.
 * {@code affinity.als.checkpoint-interval} bounds the lineage of the iterations (a long lineage overflows the stack);
 * the checkpoint directory is set by the caller. Blocks default to the session's parallelism. The seed is fixed so
 * that a rerun gives the same ranking.
 *
 * <p>ALS has no factors for customers or products it was not trained on (its cold-start strategy can only drop them
 * or return NaN); those customers get no candidates here and are served by {@link PopularityScorer}. Scores below 0
 * (possible with unconstrained factors) count as 0; the rest are scaled so each customer's best is 1.
 *
 * <p>Item factors kept from a training ({@link ItemFactors}): the night that trains the ranker trains ALS and saves its
 * item factors (item id, product_id, features); a night between two trainings reads them and folds the customers it
 * ranks in from their own ratings ({@link AlsFoldIn}), instead of training ALS on every line again. Folding in gives
 * what ALS's last user step would give against those item factors, so on the training night itself the two agree.
 */
final class CollaborativeScorer {
    static final long SEED = 20_240_101L;

    private CollaborativeScorer() {
    }

    /**
     * Where a training's item factors are kept, and whether tonight trains ALS and saves them there ({@code save}) or
     * folds its customers in against the saved ones.
     */
    public record ItemFactors(String path, boolean save) {
    }

    /** Candidates for the given customers: customer_id, product_id, collaborative_score. ALS is trained on every line. */
    static Dataset<Row> score(Dataset<Row> lines, Dataset<Row> customers, AffinityConfig settings) {
        return score(lines, customers, settings, null);
    }

    /**
     * As {@link #score(Dataset, Dataset, AffinityConfig)}; with {@code kept} (not null), trains and saves the item
     * factors, or folds the customers in against the saved ones (which the caller checked are there, {@link dev.onetoone.io.ModelFiles#complete}).
     */
    static Dataset<Row> score(Dataset<Row> lines, Dataset<Row> customers, AffinityConfig settings, ItemFactors kept) {
        SparkSession spark = lines.sparkSession();
        if (kept != null && !kept.save()) {
            return foldIn(lines, customers, settings, spark.read().parquet(kept.path()));
        }
        Dataset<Row> ratings = ratings(lines);
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
            if (kept != null) {
                model.itemFactors().join(items, col("id").equalTo(col("item"))).select("id", "product_id", "features")
                        .write().mode("overwrite").parquet(kept.path());
            }
            Dataset<Row> wanted = users.join(customers, "customer_id", "left_semi").select("user");
            Dataset<Row> recommended = topItems(model.itemFactors(), model.userFactors().join(wanted.withColumnRenamed("user", "id"), "id"),
                    settings.candidatesPerSource())
                    .join(users, "user").join(items, "item")
                    .select("customer_id", "product_id", "collaborative_score");
            return Scores.scaleToCustomerMax(recommended, "collaborative_score").localCheckpoint(true);
        } finally {
            training.unpersist();
        }
    }

    /** The customers' candidates from item factors kept from a training (id, product_id, features), folded in. */
    private static Dataset<Row> foldIn(Dataset<Row> lines, Dataset<Row> customers, AffinityConfig settings, Dataset<Row> itemFactors) {
        SparkSession spark = lines.sparkSession();
        Dataset<Row> ratings = ratings(lines.join(customers.select("customer_id").distinct(), "customer_id", "left_semi"))
                .join(itemFactors.select(col("product_id"), col("id").as("item")), "product_id");
        Dataset<Row> users = index(spark, ratings.select("customer_id").distinct(), "customer_id", "user");
        Dataset<Row> userFactors = AlsFoldIn.userFactors(ratings.join(users, "customer_id").select("user", "item", "rating"),
                itemFactors, settings.als().regParam(), settings.als().alpha()).withColumnRenamed("user", "id");
        Dataset<Row> recommended = topItems(itemFactors.select("id", "features"), userFactors, settings.candidatesPerSource())
                .join(users, "user").join(itemFactors.select(col("id").as("item"), col("product_id")), "item")
                .select("customer_id", "product_id", "collaborative_score");
        return Scores.scaleToCustomerMax(recommended, "collaborative_score").localCheckpoint(true);
    }

    /** Each customer's rating of each product: log(1 + decayed purchase days), as a float (ALS's rating column). */
    private static Dataset<Row> ratings(Dataset<Row> lines) {
        return ProductLines.decayedDays(lines, "product_id")
                .select(col("customer_id"), col("product_id"), log1p(col("decayed_days")).cast(DataTypes.FloatType).as("rating"));
    }

    /**
     * Each user's {@code n} items with the largest predicted preference {@code x_u . y_i} (at least 0): the item
     * factors (id, features; product-level, small: items x rank floats) are broadcast, and each partition of user
     * factors (id, features: the users wanted) keeps a bounded min-heap of n per user. Unlike
     * {@code recommendForUserSubset}, no block cross-join of users and items is shuffled, and memory per task is the
     * broadcast plus one heap. Columns: user, item, collaborative_score.
     */
    static Dataset<Row> topItems(Dataset<Row> itemFactors, Dataset<Row> userFactors, int n) {
        SparkSession spark = userFactors.sparkSession();
        Map<Integer, float[]> byId = AlsFoldIn.collect(itemFactors);
        int[] itemIds = new int[byId.size()];
        float[][] factors = new float[byId.size()][];
        int next = 0;
        for (var entry : byId.entrySet()) {
            itemIds[next] = entry.getKey();
            factors[next++] = entry.getValue();
        }
        var broadcastIds = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(itemIds);
        var broadcastFactors = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(factors);
        StructType schema = new StructType()
                .add("user", DataTypes.IntegerType, false).add("item", DataTypes.IntegerType, false)
                .add("collaborative_score", DataTypes.DoubleType, false);
        JavaRDD<Row> top = userFactors.select("id", "features").toJavaRDD().mapPartitions(users -> {
            int[] ids = broadcastIds.value();
            float[][] itemVectors = broadcastFactors.value();
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
                    float[] y = itemVectors[i];
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
        // Numbered in the ids' sorted order, not in the order the rows arrive: ALS places each id in a block and draws
        // its initial factors by its number, so numbers that followed the arrival order (another partition count, a
        // task run again after an executor was lost) trained other factors from the same ratings.
        JavaRDD<Row> numbered = ids.orderBy(idColumn).toJavaRDD().zipWithIndex().map(pair -> {
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
