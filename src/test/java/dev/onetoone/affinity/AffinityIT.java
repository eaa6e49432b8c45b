package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.AffinityEvaluationRunner;
import dev.onetoone.pipeline.IngestRequest;
import dev.onetoone.pipeline.IngestRunner;
import dev.onetoone.pipeline.RunContext;
import dev.onetoone.pipeline.RunLog;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * Offline evaluation on the shipped generated sample (2,500 customers, two years): rankings trained before
 * 2025-10-01 against the purchases of the following 30 days.
 */
class AffinityIT extends SparkTestSupport {
    private static final LocalDate CUTOFF = LocalDate.of(2025, 10, 1);
    private static final int HORIZON = 30;

    @TempDir
    static Path warehouseDir;

    private static Warehouse warehouse;
    private static Map<String, Row> atTen;

    @BeforeAll
    static void ingestTheSampleAndEvaluate() {
        RunContext context = WarehouseFixture.context(warehouseDir, Map.of());
        var runLog = new RunLog(context);
        new IngestRunner(context, runLog).ingest(IngestRequest.fromInput(WarehouseFixture.sample("data-samples/sample").toString()),
                null, context.today());
        new AffinityEvaluationRunner(context, runLog).run(CUTOFF, HORIZON);
        warehouse = context.warehouse();
        atTen = new HashMap<>();
        for (Row row : warehouse.read(Tables.AFFINITY_EVALUATION).where("k = 10").collectAsList()) {
            atTen.put(row.<String>getAs("predictor") + "/" + row.getAs("segment"), row);
        }
    }

    private static double ndcg(String predictor, String segment) {
        return atTen.get(predictor + "/" + segment).getAs("ndcg_at_k");
    }

    @Test
    void theBlendBeatsEveryBaselineOnNdcgAtTen() {
        double blend = ndcg("blend", "all");
        for (String baseline : new String[] {Baselines.POPULAR, Baselines.OWN_FREQUENT, Baselines.OWN_THEN_POPULAR}) {
            assertTrue(blend > ndcg(baseline, "all"), "blend " + blend + " vs " + baseline + " " + ndcg(baseline, "all"));
        }
    }

    @Test
    void everyPredictorIsReportedForAllRepeatAndExplorePurchasesWithSaneValues() {
        String[] predictors = {"blend", "only_buy_again", "only_collaborative", "only_co_occurrence", "only_popularity",
                "without_buy_again", "without_collaborative", "without_co_occurrence", "without_popularity",
                Baselines.POPULAR, Baselines.OWN_FREQUENT, Baselines.OWN_THEN_POPULAR};
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
    void writesOneRowPerPredictorSegmentAndK() {
        long before = warehouse.read(Tables.AFFINITY_EVALUATION).count();
        assertEquals(12L * 3 * 2, before, "12 predictors, 3 segments, k = 10 and 20");
    }
}
