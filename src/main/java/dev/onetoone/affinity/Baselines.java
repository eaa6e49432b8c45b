package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.expressions.Window;

/**
 * The rankings a sceptic would compare the blend with, each as customer_id, product_id, rank (1..k):
 * <ul>
 * <li>{@code baseline_popular}: the same k most popular products for everyone ({@link PopularityScorer#popularity}).</li>
 * <li>{@code baseline_own_frequent}: the customer's own products by purchase days, then most recent, then id.</li>
 * <li>{@code baseline_own_then_popular}: the customer's own products as above, the remaining places filled with the
 * most popular products they have not bought.</li>
 * </ul>
 */
public final class Baselines {
    public static final String POPULAR = "baseline_popular";
    public static final String OWN_FREQUENT = "baseline_own_frequent";
    public static final String OWN_THEN_POPULAR = "baseline_own_then_popular";
    /** {@link TifuKnn} with the affinity.tifu.* settings. */
    public static final String TIFU_KNN = "baseline_tifu_knn";

    private final Dataset<Row> own;
    private final Dataset<Row> popular;
    private final Dataset<Row> customers;
    private final int k;

    /**
     * @param transactions transactions (lines after {@code asOf} are ignored)
     * @param customers    customer_id of the customers to rank
     */
    public Baselines(Dataset<Row> transactions, Dataset<Row> products, Dataset<Row> customers, LocalDate asOf, int popularityDays, int k) {
        Dataset<Row> allLines = ProductLines.of(transactions, products, asOf, 1.0);
        Dataset<Row> lines = allLines.join(customers, "customer_id", "left_semi");
        this.own = lines.groupBy("customer_id", "product_id")
                .agg(count_distinct(col("purchase_date")).as("days"), max("purchase_date").as("last_day"))
                .withColumn("rank", row_number().over(Window.partitionBy("customer_id")
                        .orderBy(col("days").desc(), col("last_day").desc(), col("product_id"))))
                .where(col("rank").leq(k))
                .select("customer_id", "product_id", "rank");
        // The 2k most popular products (product-level, small) are numbered on the driver.
        List<Row> top = PopularityScorer.popularity(allLines, popularityDays)
                .orderBy(col("popularity").desc(), col("product_id")).limit(2 * k).select("product_id").collectAsList();
        List<Row> numbered = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            numbered.add(RowFactory.create(top.get(i).getString(0), i + 1));
        }
        this.popular = transactions.sparkSession().createDataFrame(numbered, new StructType()
                .add("product_id", DataTypes.StringType).add("popular_rank", DataTypes.IntegerType));
        this.customers = customers.select("customer_id").distinct();
        this.k = k;
    }

    public Dataset<Row> popular() {
        return customers.crossJoin(broadcast(popular.where(col("popular_rank").leq(k))))
                .select(col("customer_id"), col("product_id"), col("popular_rank").as("rank"));
    }

    public Dataset<Row> ownFrequent() {
        return own;
    }

    public Dataset<Row> ownThenPopular() {
        Dataset<Row> fill = customers.crossJoin(broadcast(popular))
                .join(own, new String[] {"customer_id", "product_id"}, "left_anti")
                .select(col("customer_id"), col("product_id"), lit(1).as("tier"), col("popular_rank").as("within"));
        return own.select(col("customer_id"), col("product_id"), lit(0).as("tier"), col("rank").as("within"))
                .unionByName(fill)
                .withColumn("rank", row_number().over(Window.partitionBy("customer_id").orderBy(col("tier"), col("within"))))
                .where(col("rank").leq(k))
                .select("customer_id", "product_id", "rank");
    }
}
