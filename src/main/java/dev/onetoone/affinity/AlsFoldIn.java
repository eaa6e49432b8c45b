package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * User factors of implicit-feedback ALS (Hu, Koren and Volinsky 2008) for given ratings against fixed item factors:
 * the user half-step of an ALS iteration, as Spark MLlib computes it, so that a customer's factors can be brought up
 * to date from their own ratings without training ALS again.
 *
 * <p>For user u with ratings r_ui on items i (factors y_i), with {@code c1 = alpha |r_ui|} and
 * {@code n_u} the number of ratings above 0, x_u solves
 * {@code (YtY + sum_i c1 y_i y_i^T + regParam n_u I) x_u = sum_{i: r_ui > 0} (1 + c1) y_i}, YtY summed over every
 * item with factors (MLlib's {@code ALS.computeFactors} with implicit preferences: the confidence weighting of the
 * paper, and the regularisation weighted by the number of ratings as in ALS-WR). MLlib's last step of training is this
 * user step against the final item factors, so folding in a user with the ratings ALS was trained on gives back the
 * user's trained factors. Ratings of items without factors (products first bought after the training) are left out.
 * A user with no rating left gets no row.
 *
 * <p>Distributed: the item factors (product-level, small) are broadcast, each user's ratings are grouped on the
 * executors, and each user's rank x rank system is solved by Cholesky in double precision (commons-math). Nothing
 * per user reaches the driver.
 */
public final class AlsFoldIn {
    private AlsFoldIn() {
    }

    /**
     * @param ratings     user (int), item (int), rating (float or double)
     * @param itemFactors id (int), features (array of float), as {@code ALSModel.itemFactors()}
     * @return user (int), features (array of float)
     */
    public static Dataset<Row> userFactors(Dataset<Row> ratings, Dataset<Row> itemFactors, double regParam, double alpha) {
        SparkSession spark = ratings.sparkSession();
        Map<Integer, float[]> factors = collect(itemFactors);
        int rank = factors.values().stream().findFirst().map(y -> y.length).orElse(0);
        double[][] yty = new double[rank][rank];
        for (float[] y : factors.values()) {
            addOuter(yty, y, 1.0);
        }
        var context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        var broadcastFactors = context.broadcast(factors);
        var broadcastYty = context.broadcast(yty);
        Dataset<Row> grouped = ratings.select(col("user"), col("item"), col("rating").cast("double").as("rating"))
                .groupBy("user").agg(collect_list(struct(col("item"), col("rating"))).as("ratings"));
        JavaRDD<Row> solved = grouped.toJavaRDD().mapPartitions(users -> {
            Map<Integer, float[]> y = broadcastFactors.value();
            double[][] base = broadcastYty.value();
            List<Row> out = new ArrayList<>();
            while (users.hasNext()) {
                Row user = users.next();
                float[] x = solve(user.getList(1), y, base, regParam, alpha);
                if (x != null) {
                    out.add(RowFactory.create(user.getInt(0), scala.jdk.javaapi.CollectionConverters.asScala(toList(x)).toSeq()));
                }
            }
            return out.iterator();
        });
        StructType schema = new StructType().add("user", DataTypes.IntegerType, false)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return spark.createDataFrame(solved, schema);
    }

    /** Item factors (id, features) in id order, on the driver: product-level, items x rank floats. */
    static Map<Integer, float[]> collect(Dataset<Row> itemFactors) {
        Map<Integer, float[]> factors = new TreeMap<>();
        for (Row item : itemFactors.select("id", "features").collectAsList()) {
            List<Float> values = item.getList(1);
            float[] y = new float[values.size()];
            for (int f = 0; f < y.length; f++) {
                y[f] = values.get(f);
            }
            factors.put(item.getInt(0), y);
        }
        return factors;
    }

    /** One user's factors from their (item, rating) rows, or null when none of their items has factors. */
    static float[] solve(List<Row> ratings, Map<Integer, float[]> itemFactors, double[][] yty, double regParam, double alpha) {
        int rank = yty.length;
        double[][] a = new double[rank][rank];
        for (int i = 0; i < rank; i++) {
            a[i] = yty[i].clone();
        }
        double[] b = new double[rank];
        int explicit = 0;
        int used = 0;
        // in item order: the sums, and so the factors, do not depend on the order the ratings were grouped in
        List<Row> ordered = new ArrayList<>(ratings);
        ordered.sort(java.util.Comparator.comparingInt(row -> row.getInt(0)));
        for (Row rating : ordered) {
            float[] y = itemFactors.get(rating.getInt(0));
            if (y == null) {
                continue;
            }
            used++;
            double r = rating.getDouble(1);
            double c1 = alpha * Math.abs(r);
            addOuter(a, y, c1);
            if (r > 0) {
                explicit++;
                for (int f = 0; f < rank; f++) {
                    b[f] += (1 + c1) * y[f];
                }
            }
        }
        if (used == 0) {
            return null;
        }
        for (int f = 0; f < rank; f++) {
            a[f][f] += regParam * explicit;
        }
        double[] x = cholesky(a, b);
        float[] result = new float[rank];
        for (int f = 0; f < rank; f++) {
            result[f] = (float) x[f];
        }
        return result;
    }

    /** a += weight y y^T, each product computed once so that a stays exactly symmetric. */
    private static void addOuter(double[][] a, float[] y, double weight) {
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j <= i; j++) {
                double product = weight * y[i] * y[j];
                a[i][j] += product;
                if (j != i) {
                    a[j][i] += product;
                }
            }
        }
    }

    /** Solves a x = b for symmetric positive definite a, by Cholesky (commons-math). */
    static double[] cholesky(double[][] a, double[] b) {
        return new CholeskyDecomposition(new Array2DRowRealMatrix(a, false)).getSolver().solve(new ArrayRealVector(b, false)).toArray();
    }

    private static List<Float> toList(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float value : values) {
            list.add(value);
        }
        return list;
    }
}
