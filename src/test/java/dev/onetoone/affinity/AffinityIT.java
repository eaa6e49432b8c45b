package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.AffinityEvaluationRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.SampleNight;

/**
 * Product affinity on the shipped generated sample (2,500 customers, two years; {@link SampleNight}): the night's
 * rankings, and the offline evaluation of rankings trained before 2025-10-01 against the purchases of the following
 * 30 days.
 */
class AffinityIT extends SparkTestSupport {
    private static final LocalDate CUTOFF = LocalDate.of(2025, 10, 1);
    private static final int HORIZON = 30;

    private static Warehouse warehouse;
    private static Map<String, Row> atTen;

    @BeforeAll
    static void ingestTheSampleAndEvaluate() {
        RunContext context = SampleNight.context();
        new AffinityEvaluationRunner(context, new RunLog(context)).run(CUTOFF, HORIZON);
        warehouse = context.warehouse();
        atTen = new HashMap<>();
        for (Row row : warehouse.read(Tables.AFFINITY_EVALUATION).where("k = 10").collectAsList()) {
            atTen.put(row.<String>getAs("predictor") + "/" + row.getAs("segment"), row);
        }
    }

    private static double ndcg(String predictor, String segment) {
        return atTen.get(predictor + "/" + segment).getAs("ndcg_at_k");
    }

    /**
     * The generated sample has no per-customer taste beyond each customer's own repeats, so the repeat baselines are
     * close to the best ranking there is: the blend beats the popular list outright and stays within 1% of each
     * repeat baseline (measured: 0.7915 against own-then-popular 0.7946). A ranking that loses its own products, as
     * the blend did on real baskets before its fixes, falls far outside that.
     */
    @Test
    void theBlendBeatsThePopularListAndTiesTheRepeatBaselinesOnNdcgAtTen() {
        double blend = ndcg("blend", "all");
        assertTrue(blend > ndcg(Baselines.POPULAR, "all"), "blend " + blend + " vs popular " + ndcg(Baselines.POPULAR, "all"));
        for (String baseline : new String[] {Baselines.OWN_FREQUENT, Baselines.OWN_THEN_POPULAR, Baselines.TIFU_KNN}) {
            assertTrue(blend >= 0.99 * ndcg(baseline, "all"), "blend " + blend + " vs " + baseline + " " + ndcg(baseline, "all"));
        }
    }

    @Test
    void everyPredictorIsReportedForAllRepeatAndExplorePurchasesWithSaneValues() {
        String[] predictors = {"blend", "noisy_or", "only_buy_again", "only_collaborative", "only_co_occurrence", "only_popularity",
                "only_tifu_neighbours", Baselines.POPULAR, Baselines.OWN_FREQUENT, Baselines.OWN_THEN_POPULAR, Baselines.TIFU_KNN};
        for (String predictor : predictors) {
            for (String segment : new String[] {"all", "repeat", "explore"}) {
                Row row = atTen.get(predictor + "/" + segment);
                assertTrue(row != null, predictor + "/" + segment + " missing");
                for (String measure : new String[] {"precision_at_k", "recall_at_k", "ndcg_at_k", "hit_rate_at_k", "coverage"}) {
                    double value = row.getAs(measure);
                    assertTrue(value >= 0 && value <= 1, predictor + "/" + segment + " " + measure + " = " + value);
                }
            }
        }
        // Repeat and explore split the customers: each has purchases of one kind or both.
        long all = atTen.get("blend/all").getAs("customers");
        long repeat = atTen.get("blend/repeat").getAs("customers");
        long explore = atTen.get("blend/explore").getAs("customers");
        assertTrue(repeat <= all && explore <= all && repeat + explore >= all, all + " " + repeat + " " + explore);
        // Own products never explore; the popular list is the same for everyone (coverage k / catalogue).
        assertEquals(0.0, ndcg(Baselines.OWN_FREQUENT, "explore"));
        assertEquals(10.0 / 300.0, atTen.get(Baselines.POPULAR + "/all").<Double>getAs("coverage"), 1e-12);
        // Discovery sources carry the explore segment: the buy-again scorer alone cannot find a new product.
        assertEquals(0.0, ndcg("only_buy_again", "explore"));
        assertTrue(ndcg("blend", "explore") > ndcg(Baselines.OWN_THEN_POPULAR, "explore"));
    }

    @Test
    void theNightRanksEveryActiveSampleCustomerWithDueRepeatsAndNewProducts() {
        warehouse.readAsOf(Tables.CUSTOMER_MODEL, SampleNight.AS_OF).createOrReplaceTempView("sample_model");
        warehouse.readAsOf(Tables.PRODUCT_AFFINITY, SampleNight.AS_OF).createOrReplaceTempView("sample_affinity");
        warehouse.read(Tables.PRODUCTS).createOrReplaceTempView("sample_products");
        var spark = warehouse.spark();
        long active = spark.sql("select count(*) from sample_model where p_alive >= 0.05").first().getLong(0);
        assertEquals(active, spark.sql("select count(distinct customer_id) from sample_affinity").first().getLong(0));
        // Every source of the default blend appears, and repeats carry a due date when replenishable.
        assertEquals(3L, spark.sql("select count(distinct source) from sample_affinity").first().getLong(0),
                "due_repeat, similar_customers, popular_in_category (co-occurrence has weight 0 by default)");
        assertEquals(0L, spark.sql("select count(*) from sample_affinity a join sample_products p using (product_id) "
                + "where a.is_repeat and p.replenishable and a.due_date is null").first().getLong(0));
        // Every ranked product says why in plain words; a repeat speaks of the customer's own purchases.
        assertEquals(0L, spark.sql("select count(*) from sample_affinity where reason is null or reason = ''").first().getLong(0));
        assertEquals(0L, spark.sql("select count(*) from sample_affinity where is_repeat and not reason like 'you b%'").first().getLong(0));
        // The ranker's score is a probability.
        assertEquals(0L, spark.sql("select count(*) from sample_affinity where not (score between 0 and 1)").first().getLong(0));
        // The night trained the ranker and recorded it, with the chosen model's directory.
        assertEquals(1L, warehouse.read(Tables.AFFINITY_RANKER).where("purpose = 'nightly' and chosen and model_path is not null").count());
    }

    /**
     * A ranking of new products only keeps the order of the full ranking's new products and moves each up past the
     * customer's repeats: it recommends nothing bought before, and its explore NDCG is at least the full ranking's,
     * for every predictor that has both.
     */
    @Test
    void aRankingOfNewProductsOnlyHasNoRepeatsAndRanksTheNewProductsAtLeastAsHigh() {
        for (String predictor : new String[] {"blend", "only_collaborative", "only_co_occurrence", "only_popularity", "only_tifu_neighbours"}) {
            String newOnly = predictor + AffinityEvaluationRunner.NEW_ONLY;
            assertEquals(0.0, ndcg(newOnly, "repeat"), newOnly + " recommends a product bought before");
            assertTrue(ndcg(newOnly, "explore") >= ndcg(predictor, "explore") - 1e-12,
                    newOnly + " " + ndcg(newOnly, "explore") + " below " + predictor + " " + ndcg(predictor, "explore"));
        }
        assertTrue(ndcg("blend" + AffinityEvaluationRunner.NEW_ONLY, "explore") > ndcg("blend", "explore"),
                "the sample's blend places repeats above some new products it ranks, so moving them up gains");
    }

    @Test
    void writesOneRowPerPredictorSegmentAndK() {
        long rows = warehouse.read(Tables.AFFINITY_EVALUATION).count();
        // The ranker (blend), the noisy-OR, four scorers alone and the TIFU-KNN neighbour term alone, four baselines,
        // and the ranker and the four discovery sources on new products only: 16 predictors, 3 segments, k = 10 and
        // 20. No ablations unless asked for.
        assertEquals(16L * 3 * 2, rows);
        assertTrue(!atTen.containsKey("without_buy_again/all"));
    }
}
