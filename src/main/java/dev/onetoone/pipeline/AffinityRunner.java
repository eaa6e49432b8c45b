package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.affinity.AffinityBlender;
import dev.onetoone.affinity.BlendWeights;
import dev.onetoone.affinity.ProductAffinity;
import dev.onetoone.config.OneToOneConfig.AffinityConfig;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * The product affinity stage for one as-of date: ranks products for every active customer (customer_model.p_alive at
 * or above {@code affinity.active-p-alive}) and replaces that date's rows of {@code product_affinity}.
 */
public final class AffinityRunner {
    private final RunContext context;
    private final RunLog runLog;

    public AffinityRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    public StageResult run(LocalDate asOf) {
        return runLog.run("affinity", asOf, () -> affinity(asOf));
    }

    private StageResult affinity(LocalDate asOf) {
        Warehouse warehouse = context.warehouse();
        AffinityConfig settings = context.config().affinity();
        Dataset<Row> model = warehouse.readAsOf(Tables.CUSTOMER_MODEL, asOf);
        Dataset<Row> active = model.where(col("p_alive").geq(settings.activePAlive())).select("customer_id")
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long modelled = model.count();
            if (modelled == 0) {
                throw new IllegalStateException("no customer_model rows for " + asOf + ": run 'model --as-of " + asOf + "' first");
            }
            long activeCustomers = active.count();
            Map<String, Long> details = new LinkedHashMap<>();
            details.put("active_customers", activeCustomers);
            var affinity = new ProductAffinity(settings, false);
            withCheckpointDirectory(context, () -> {
                Dataset<Row> candidates = affinity.candidates(warehouse.read(Tables.TRANSACTIONS), warehouse.read(Tables.PRODUCTS),
                        active, asOf, settings.horizonDays());
                Dataset<Row> ranked = AffinityBlender.rank(candidates, BlendWeights.of(settings), settings.topK(), settings.maxPerCategory())
                        .withColumn("as_of", lit(Date.valueOf(asOf)));
                warehouse.overwriteAsOf(Tables.PRODUCT_AFFINITY, ranked, asOf);
                return null;
            });
            details.putAll(affinity.measurements());
            Row written = warehouse.readAsOf(Tables.PRODUCT_AFFINITY, asOf)
                    .agg(org.apache.spark.sql.functions.count(lit(1)), count_distinct(col("customer_id"))).first();
            long rows = written.getLong(0);
            long ranked = written.getLong(1);
            details.put("customers_ranked", ranked);
            String message = "affinity: " + rows + " ranked products for " + ranked + " of " + activeCustomers + " active customers as of " + asOf;
            if (ranked < activeCustomers) {
                details.put("customers_without_ranking", activeCustomers - ranked);
                details.put(StageResult.WARNINGS, 1L);
                message += "; WARNING: " + (activeCustomers - ranked) + " active customers have no product to rank (no product-level purchase and no popular product)";
            }
            return new StageResult("affinity", modelled, rows, 0, message, details);
        } finally {
            active.unpersist();
        }
    }

    /**
     * Runs the body with the Spark checkpoint directory (needed by ALS to cut its lineage) set to a directory of this
     * run under the warehouse root, and removes that directory afterwards.
     */
    static <T> T withCheckpointDirectory(RunContext context, Supplier<T> body) {
        SparkSession spark = context.warehouse().spark();
        String directory = context.warehouse().root() + "/_checkpoints/" + context.runId();
        spark.sparkContext().setCheckpointDir(directory);
        try {
            return body.get();
        } finally {
            try {
                Path path = new Path(directory);
                path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the checkpoint directory " + directory, e);
            }
        }
    }
}
