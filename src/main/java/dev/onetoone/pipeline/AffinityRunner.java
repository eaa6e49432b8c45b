package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.affinity.AffinityBlender;
import dev.onetoone.affinity.AffinityRanker;
import dev.onetoone.affinity.BlendWeights;
import dev.onetoone.affinity.NothingToLearnException;
import dev.onetoone.affinity.ProductAffinity;
import dev.onetoone.affinity.RankerFeatures;
import dev.onetoone.affinity.Reasons;
import dev.onetoone.config.OneToOneConfig.AffinityConfig;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * The product affinity stage for one as-of date: ranks products for every active customer (customer_model.p_alive at
 * or above {@code affinity.active-p-alive}) with the learned ranker ({@link AffinityRanker}, retrained every
 * {@code affinity.ranker.retrain-days}), each with a plain-words reason, and replaces that date's rows of
 * {@code product_affinity}.
 *
 * <p>Every active customer is ranked on a night that trains the ranker, on a first night, and on a rebuild. Between
 * retrainings a night re-ranks only the customers whose lines changed since the previous ranking (and the active
 * customers it did not rank), and carries the rest forward ({@link CarriedRanking}): a customer's ranking is then at
 * most {@code affinity.ranker.retrain-days} old, and the products, scores and ranks of one ranker.
 */
public final class AffinityRunner {
    /** affinity_ranker.purpose of the rankers the nightly stage trains and uses. */
    public static final String NIGHTLY = "nightly";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AffinityRunner.class);
    private final RunContext context;
    private final RunLog runLog;

    public AffinityRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    public StageResult run(LocalDate asOf) {
        return run(asOf, StateUpdate.FOLD);
    }

    /**
     * Ranks as of {@code asOf}. With {@link StateUpdate#FOLD} a night re-ranks only the active customers whose lines
     * changed since the previous ranking, or who had none, and carries the others' rankings forward
     * ({@link CarriedRanking}); with {@link StateUpdate#REBUILD} it ranks every active customer.
     */
    public StageResult run(LocalDate asOf, StateUpdate update) {
        return runLog.run("affinity", asOf, () -> affinity(asOf, update));
    }

    private StageResult affinity(LocalDate asOf, StateUpdate update) {
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
            details.put(CarriedRanking.SETTINGS_DETAIL, CarriedRanking.settingsHash(settings));
            var affinity = ProductAffinity.nightly(settings);
            withCheckpointDirectory(context, () -> {
                Dataset<Row> transactions = warehouse.read(Tables.TRANSACTIONS);
                Dataset<Row> products = warehouse.read(Tables.PRODUCTS);
                Ranker ranker = ranker(asOf, transactions, products, details);
                if (ranker.trainedAsOf() != null) {
                    // ALS's item factors and the product statistics are kept with the ranker: computed the night the
                    // ranker is trained, used as they are between trainings.
                    affinity.keepingAlsItemFactors(modelPath("als_item_factors", ranker.trainedAsOf()), ranker.trainedTonight())
                            .keepingProductStatistics(modelPath("product_statistics", ranker.trainedAsOf()), ranker.trainedTonight());
                    details.put("als_trained_as_of_epoch_day", ranker.trainedAsOf().toEpochDay());
                }
                Optional<CarriedRanking> carried = update == StateUpdate.REBUILD || ranker.trainedTonight() || ranker.model() == null
                        ? Optional.empty()
                        : CarriedRanking.previous(context, asOf, ranker.trainedAsOf(), transactions, active);
                Dataset<Row> toRank = carried.map(CarriedRanking::toRank).orElse(active);
                long reranked = carried.isPresent() ? toRank.count() : activeCustomers;
                details.put("ranking_full", carried.isPresent() ? 0L : 1L);
                details.put("customers_reranked", reranked);
                // The carried customers are the active ones not ranked again (CarriedRanking.toRank).
                details.put("customers_carried", activeCustomers - reranked);
                Dataset<Row> ranked = null;
                if (reranked > 0) {
                    Dataset<Row> candidates = affinity.candidates(transactions, products, toRank, asOf, settings.horizonDays());
                    JobDescription.set(warehouse.spark(), "affinity", "ranker scoring");
                    Dataset<Row> scored = ranker.model() == null
                            ? AffinityBlender.rank(candidates, BlendWeights.of(settings), settings.topK(), settings.maxPerCategory(),
                                    settings.newProducts()).drop("source")
                            : AffinityBlender.rankByScore(AffinityRanker.score(ranker.model(), affinity.features(candidates, asOf)), settings.topK(),
                                    settings.maxPerCategory(), settings.newProducts());
                    ranked = Reasons.explain(scored, asOf).withColumn("as_of", lit(Date.valueOf(asOf)))
                            .withColumn("ranked_as_of", lit(Date.valueOf(asOf)));
                    ranked = Warehouse.conform(Tables.PRODUCT_AFFINITY, ranked);
                }
                if (carried.isPresent()) {
                    details.put("carried_from_epoch_day", carried.get().from().toEpochDay());
                    Dataset<Row> kept = Warehouse.conform(Tables.PRODUCT_AFFINITY, carried.get().rows(asOf));
                    ranked = ranked == null ? kept : ranked.unionByName(kept);
                }
                JobDescription.set(warehouse.spark(), "affinity", "write product_affinity");
                warehouse.overwriteAsOf(Tables.PRODUCT_AFFINITY,
                        ranked == null ? warehouse.spark().createDataFrame(List.of(), Tables.PRODUCT_AFFINITY.schema()) : ranked, asOf);
                return null;
            });
            details.putAll(affinity.measurements());
            Row written = warehouse.readAsOf(Tables.PRODUCT_AFFINITY, asOf)
                    .agg(org.apache.spark.sql.functions.count(lit(1)), count_distinct(col("customer_id")))
                    .first();
            long rows = written.getLong(0);
            long ranked = written.getLong(1);
            details.put("customers_ranked", ranked);
            String message = "affinity: " + rows + " ranked products for " + ranked + " of " + activeCustomers + " active customers as of " + asOf
                    + (details.get("ranking_full") == 1L ? "" : " (" + details.get("customers_reranked") + " re-ranked, "
                            + details.get("customers_carried") + " carried from " + LocalDate.ofEpochDay(details.get("carried_from_epoch_day")) + ")");
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

    /** Where the part {@code name} of the ranker trained as of {@code trainedAsOf} is kept: {@code <warehouse>/_models/<name>/trained_as_of=<date>}. */
    private String modelPath(String name, LocalDate trainedAsOf) {
        return context.warehouse().root() + "/_models/" + name + "/trained_as_of=" + trainedAsOf;
    }

    /** The night's ranker: null before the history can train one; trainedAsOf is null then too. */
    private record Ranker(PipelineModel model, LocalDate trainedAsOf, boolean trainedTonight) {
    }

    /**
     * The ranker for the night: the last nightly training's chosen model when it is younger than
     * {@code affinity.ranker.retrain-days}, otherwise a new training as of {@code asOf}, saved under
     * {@code <warehouse>/_models/affinity_ranker/trained_as_of=<date>} and recorded in affinity_ranker; null when the
     * history has no example to learn from yet.
     */
    private Ranker ranker(LocalDate asOf, Dataset<Row> transactions, Dataset<Row> products, Map<String, Long> details) {
        Warehouse warehouse = context.warehouse();
        AffinityConfig settings = context.config().affinity();
        List<Row> last = warehouse.read(Tables.AFFINITY_RANKER)
                .where(col("purpose").equalTo(NIGHTLY).and(col("chosen")).and(col("horizon_days").equalTo(settings.horizonDays()))
                        .and(col("trained_as_of").leq(lit(Date.valueOf(asOf)))).and(col("model_path").isNotNull()))
                .orderBy(col("trained_as_of").desc()).limit(1).collectAsList();
        if (!last.isEmpty()) {
            LocalDate trained = last.get(0).<Date>getAs("trained_as_of").toLocalDate();
            long age = java.time.temporal.ChronoUnit.DAYS.between(trained, asOf);
            if (age < settings.ranker().retrainDays()) {
                details.put("ranker_age_days", age);
                details.put(CarriedRanking.RANKER_TRAINED_DETAIL, trained.toEpochDay());
                return new Ranker(PipelineModel.load(last.get(0).<String>getAs("model_path")), trained, false);
            }
        }
        var training = ProductAffinity.nightly(settings);
        Dataset<Row> labelled;
        try {
            labelled = training.trainingSet(transactions, products, asOf, settings.horizonDays(), settings.ranker().trainingCustomers());
        } catch (NothingToLearnException e) {
            // A history shorter than the horizon (a new installation): rank with the fixed noisy-OR until there is.
            LOG.warn("affinity: {}; ranking with the noisy-OR of affinity.weight.* tonight", e.getMessage());
            details.put("ranker_fallback_noisy_or", 1L);
            return new Ranker(null, null, false);
        }
        JobDescription.set(warehouse.spark(), "affinity", "ranker training");
        AffinityRanker.Trained trained = AffinityRanker.train(labelled, settings.ranker().model(), RankerFeatures.FEATURES);
        String path = modelPath("affinity_ranker", asOf);
        try {
            trained.model().write().overwrite().save(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the affinity ranker to " + path, e);
        }
        recordRanker(context, trained, asOf, settings.horizonDays(), NIGHTLY, path);
        details.put("ranker_trained", 1L);
        details.put("ranker_training_rows", trained.trainingRows());
        details.put(CarriedRanking.RANKER_TRAINED_DETAIL, asOf.toEpochDay());
        return new Ranker(trained.model(), asOf, true);
    }

    /** Writes a training's rows to affinity_ranker (one per model fitted; a retraining for the same key replaces them). */
    static void recordRanker(RunContext context, AffinityRanker.Trained ranker, LocalDate trainedAsOf, int horizonDays, String purpose,
            String modelPath) {
        List<Row> rows = new ArrayList<>();
        for (var entry : ranker.validationNdcg().entrySet()) {
            boolean chosen = entry.getKey().equals(ranker.modelType());
            rows.add(RowFactory.create(Date.valueOf(trainedAsOf), purpose, entry.getKey(), chosen, horizonDays, entry.getValue(),
                    ranker.trainingRows(), ranker.positives(), chosen ? AffinityRanker.describe(ranker.importances()) : null,
                    chosen ? modelPath : null, Timestamp.from(context.now())));
        }
        Dataset<Row> frame = context.warehouse().spark().createDataFrame(rows, Tables.AFFINITY_RANKER.schema());
        context.warehouse().upsert(Tables.AFFINITY_RANKER, frame);
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
