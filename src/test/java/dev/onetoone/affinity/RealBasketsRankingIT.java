package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

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
 * The learned ranking on real baskets: a committed slice of 241 customers of the UCI Online Retail data (see
 * src/test/resources/online-retail-slice/README.md), ingested with conf/online-retail.properties and evaluated with
 * the development cutoff 2011-06-09 and 91 days. Guards against the regression that started the ranker: a ranking
 * worse than each customer's own most frequent products, computed in the same run on the same customers.
 */
class RealBasketsRankingIT extends SparkTestSupport {
    private static final LocalDate CUTOFF = LocalDate.of(2011, 6, 9);
    private static final int HORIZON = 91;

    @TempDir
    static Path shared;
    private static Warehouse warehouse;
    private static Map<String, Row> all;

    @BeforeAll
    static void ingestTheSliceAndEvaluate() throws IOException {
        Path input = Files.createDirectories(shared.resolve("input"));
        try (InputStream slice = RealBasketsRankingIT.class.getResourceAsStream("/online-retail-slice/transactions.csv.gz")) {
            Files.copy(slice, input.resolve("transactions.csv.gz"));
        }
        Properties retail = new Properties();
        try (var reader = Files.newBufferedReader(WarehouseFixture.sample("conf/online-retail.properties"))) {
            retail.load(reader);
        }
        Map<String, String> overrides = new HashMap<>();
        retail.forEach((key, value) -> overrides.put((String) key, (String) value));
        // A small ranker is enough for 241 customers; the test is about the ordering, not the fit's cost.
        overrides.put("affinity.candidates-per-source", "30");
        RunContext context = WarehouseFixture.context(shared.resolve("warehouse"), overrides);
        new IngestRunner(context, new RunLog(context)).ingest(IngestRequest.fromInput(input.toString()), null, LocalDate.of(2011, 9, 8));
        new AffinityEvaluationRunner(context, new RunLog(context)).run(CUTOFF, HORIZON);
        warehouse = context.warehouse();
        all = new HashMap<>();
        for (Row row : warehouse.read(Tables.AFFINITY_EVALUATION).where("k = 10 AND segment = 'all'").collectAsList()) {
            all.put(row.getAs("predictor"), row);
        }
    }

    private static double ndcg(String predictor) {
        assertTrue(all.containsKey(predictor), predictor + " not evaluated; have " + all.keySet());
        return all.get(predictor).<Double>getAs("ndcg_at_k");
    }

    @Test
    void learnedRankingIsAtLeastAsGoodAsTheCustomersOwnMostFrequentProducts() {
        double blend = ndcg(AffinityEvaluationRunner.BLEND);
        double ownFrequent = ndcg(Baselines.OWN_FREQUENT);
        assertTrue(ownFrequent > 0, "the own-frequency baseline finds repeats on real baskets");
        assertTrue(blend >= ownFrequent, "blend NDCG@10 " + blend + " below own most frequent " + ownFrequent);
    }

    @Test
    void everyPredictorIsJudgedOnTheSameCustomers() {
        long customers = all.get(Baselines.OWN_FREQUENT).<Long>getAs("customers");
        for (Row row : all.values()) {
            assertEquals(customers, row.<Long>getAs("customers"), row.<String>getAs("predictor"));
        }
    }

    @Test
    void theRankerKeepsTheBestChallengerUnlessALearnedModelLeadsIt() {
        var rows = warehouse.read(Tables.AFFINITY_RANKER).where("purpose = 'evaluation'").collectAsList();
        assertEquals(AffinityRanker.AUTO.size(), rows.size(), "every model of affinity.ranker.model=auto is fitted: " + AffinityRanker.AUTO);
        Row chosen = rows.stream().filter(row -> row.<Boolean>getAs("chosen")).findFirst().orElseThrow();
        double bestChallenger = rows.stream().filter(row -> !AffinityRanker.learnsFromAllFeatures(row.getAs("model_type")))
                .mapToDouble(row -> row.<Double>getAs("validation_ndcg_at_10")).max().orElseThrow();
        double chosenNdcg = chosen.getAs("validation_ndcg_at_10");
        if (AffinityRanker.learnsFromAllFeatures(chosen.getAs("model_type"))) {
            // A learned model is kept only with a lead over every challenger (by more than its standard error).
            assertTrue(chosenNdcg > bestChallenger, chosen + " kept below the best challenger " + bestChallenger);
        } else {
            assertEquals(bestChallenger, chosenNdcg, 0.0, "the challenger kept is the best one");
        }
    }
}
