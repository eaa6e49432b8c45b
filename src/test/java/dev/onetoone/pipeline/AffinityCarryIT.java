package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.AffinityChecks;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * A night between two trainings of the ranker ranks only the customers whose lines changed and carries the others'
 * rankings. On a copy of the shared sample night (as of 2025-12-31, whose ranker was trained that night), the next
 * day's file brings lines for three ranked customers on 2026-01-01 and one late line, dated 2025-12-20, for a
 * fourth. The affinity stage of 2026-01-01 then re-ranks those four (and any active customer the previous night did
 * not rank), and their rows equal those of a full ranking of the same night ({@code affinity --rebuild}); every other
 * customer keeps the previous night's products, scores and ranks, with one more day in each repeat reason. Both
 * rankings fold their customers into the shared night's ALS item factors instead of training ALS again.
 */
class AffinityCarryIT extends SparkTestSupport {
    private static final LocalDate PREVIOUS = SampleNight.AS_OF;
    private static final LocalDate NIGHT = PREVIOUS.plusDays(1);
    private static final Pattern DAYS = Pattern.compile("(last bought |you bought this )(\\d+) days ago");

    @TempDir
    static Path work;

    private static Warehouse warehouse;
    private static Set<String> changed;
    private static Map<String, Long> carriedDetails;
    private static Map<String, Long> rebuildDetails;
    private static Map<String, Row> carriedRows;
    private static Map<String, Row> rebuiltRows;
    private static Map<String, Row> previousRows;

    @BeforeAll
    static void aNightWithFourChangedCustomers() throws IOException {
        Path directory = WarehouseFixture.copy(Path.of(SampleNight.warehouse().root()), work.resolve("warehouse"));
        Map<String, String> settings = new HashMap<>(SampleNight.settings(work));
        // The next night's commands run a day after the shared night's, so its lines are ingested after that ranking.
        RunContext context = WarehouseFixture.context(directory, settings, WarehouseFixture.NOW.plus(Duration.ofDays(1)));
        warehouse = context.warehouse();

        List<String> ranked = warehouse.readAsOf(Tables.PRODUCT_AFFINITY, PREVIOUS).select("customer_id").distinct()
                .orderBy("customer_id").limit(4).collectAsList().stream().map(row -> row.getString(0)).toList();
        String product = warehouse.read(Tables.PRODUCTS).orderBy("product_id").first().getAs("product_id");
        StringBuilder lines = new StringBuilder("transaction_id,customer_id,ts,product_id,category,quantity,unit_price,discount,amount,channel,store_id,offer_id\n");
        for (int i = 0; i < 3; i++) {
            lines.append("TNEXT").append(i).append(',').append(ranked.get(i)).append(',').append(NIGHT).append(" 10:00:00,")
                    .append(product).append(",,1,2.00,0.00,2.00,web,,\n");
        }
        lines.append("TLATE,").append(ranked.get(3)).append(",2025-12-20 09:00:00,").append(product).append(",,2,2.00,0.00,4.00,store,S001,\n");
        Path input = Files.createDirectories(work.resolve("next-day"));
        Files.writeString(input.resolve("transactions.csv"), lines);
        changed = new HashSet<>(ranked);

        var runLog = new RunLog(context);
        new IngestRunner(context, runLog).ingest(IngestRequest.fromInput(input.toString()), NIGHT, context.referenceDate(NIGHT));
        new ModelRunner(context, runLog).run(NIGHT);
        new AffinityRunner(context, runLog).run(NIGHT);
        carriedDetails = details(warehouse, context.runId());
        carriedRows = rows(warehouse, NIGHT);
        AffinityChecks.assertEveryActiveCustomerHasARanking(warehouse, NIGHT);

        RunContext rebuild = WarehouseFixture.context(directory, settings, WarehouseFixture.NOW.plus(Duration.ofDays(1)));
        new AffinityRunner(rebuild, new RunLog(rebuild)).run(NIGHT, StateUpdate.REBUILD);
        rebuildDetails = details(warehouse, rebuild.runId());
        rebuiltRows = rows(warehouse, NIGHT);
        previousRows = rows(warehouse, PREVIOUS);
    }

    private static Map<String, Long> details(Warehouse warehouse, String runId) {
        Row log = warehouse.read(Tables.RUN_LOG).where(col("stage").equalTo("affinity").and(col("run_id").equalTo(runId))).first();
        return log.getJavaMap(log.fieldIndex("details"));
    }

    /** A date's rows by customer and product (a few tens of thousands on the sample). */
    private static Map<String, Row> rows(Warehouse warehouse, LocalDate asOf) {
        Map<String, Row> rows = new HashMap<>();
        for (Row row : warehouse.readAsOf(Tables.PRODUCT_AFFINITY, asOf).collectAsList()) {
            rows.put(row.<String>getAs("customer_id") + "/" + row.<String>getAs("product_id"), row);
        }
        return rows;
    }

    private static String customer(String key) {
        return key.substring(0, key.indexOf('/'));
    }

    /** Active customers tonight that the previous night did not rank: ranked tonight as new ones. */
    private static long activeAndUnranked() {
        Set<String> before = new HashSet<>();
        previousRows.keySet().forEach(key -> before.add(customer(key)));
        return warehouse.readAsOf(Tables.CUSTOMER_MODEL, NIGHT).where(col("p_alive").geq(0.05)).select("customer_id").collectAsList()
                .stream().map(row -> row.getString(0)).filter(id -> !before.contains(id)).count();
    }

    @Test
    void theNightReranksTheChangedAndUnrankedCustomersAndCarriesTheRest() {
        assertEquals(0L, carriedDetails.get("ranking_full"));
        assertEquals(changed.size() + activeAndUnranked(), carriedDetails.get("customers_reranked"));
        assertEquals(carriedDetails.get("customers_ranked") - carriedDetails.get("customers_reranked"), carriedDetails.get("customers_carried"));
        assertEquals(PREVIOUS.toEpochDay(), carriedDetails.get("carried_from_epoch_day"));
        assertEquals(1L, rebuildDetails.get("ranking_full"));
        assertEquals(carriedDetails.get("customers_ranked"), rebuildDetails.get("customers_ranked"));
    }

    /**
     * Between two trainings ALS is not trained again and the product statistics are not aggregated again: both
     * rankings fold their customers in against the shared night's item factors and read its product statistics.
     */
    @Test
    void bothRankingsFoldInAgainstTheTrainingNightsAlsItemFactorsAndReadItsProductStatistics() {
        for (var details : List.of(carriedDetails, rebuildDetails)) {
            assertEquals(1L, details.get("als_folded_in"), details.toString());
            assertEquals(1L, details.get("product_statistics_kept"), details.toString());
            assertEquals(PREVIOUS.toEpochDay(), details.get("als_trained_as_of_epoch_day"), details.toString());
        }
    }

    @Test
    void theChangedCustomersRowsEqualAFullRankingOfTheNight() {
        long compared = 0;
        for (var entry : rebuiltRows.entrySet()) {
            if (!changed.contains(customer(entry.getKey()))) {
                continue;
            }
            Row full = entry.getValue();
            Row carried = carriedRows.get(entry.getKey());
            assertTrue(carried != null, entry.getKey() + " is ranked by the full ranking only");
            assertEquals(full.<Integer>getAs("rank"), carried.<Integer>getAs("rank"), entry.getKey());
            assertEquals(full.<Double>getAs("score"), carried.<Double>getAs("score"), 1e-9, entry.getKey());
            assertEquals(full.<String>getAs("reason"), carried.<String>getAs("reason"), entry.getKey());
            assertEquals(Date.valueOf(NIGHT), carried.<Date>getAs("ranked_as_of"));
            compared++;
        }
        long changedRows = carriedRows.keySet().stream().filter(key -> changed.contains(customer(key))).count();
        assertEquals(changedRows, compared, "the same products for the changed customers");
        assertTrue(compared >= 4, "the changed customers are ranked: " + compared);
    }

    @Test
    void theOtherCustomersKeepThePreviousRankingWithTheirReasonsCountedToTonight() {
        long carried = 0;
        long counted = 0;
        for (var entry : carriedRows.entrySet()) {
            Row row = entry.getValue();
            if (row.<Date>getAs("ranked_as_of").toLocalDate().equals(NIGHT)) {
                continue;
            }
            Row before = previousRows.get(entry.getKey());
            assertTrue(before != null, entry.getKey() + " carried without a previous row");
            assertTrue(!changed.contains(customer(entry.getKey())), "a changed customer is carried: " + entry.getKey());
            assertEquals(Date.valueOf(PREVIOUS), row.<Date>getAs("ranked_as_of"));
            assertEquals(Date.valueOf(NIGHT), row.<Date>getAs("as_of"));
            assertEquals(before.<Integer>getAs("rank"), row.<Integer>getAs("rank"));
            assertEquals(before.<Double>getAs("score"), row.<Double>getAs("score"), 0.0);
            String reason = before.getAs("reason");
            Matcher days = DAYS.matcher(reason);
            String expected = days.find()
                    ? reason.substring(0, days.start()) + days.group(1) + (Integer.parseInt(days.group(2)) + 1) + " days ago" + reason.substring(days.end())
                    : reason;
            counted += expected.equals(reason) ? 0 : 1;
            assertEquals(expected, row.<String>getAs("reason"), entry.getKey());
            carried++;
        }
        long carriedCustomers = carriedRows.values().stream().filter(row -> row.<Date>getAs("ranked_as_of").toLocalDate().equals(PREVIOUS))
                .map(row -> row.<String>getAs("customer_id")).distinct().count();
        assertEquals(carriedDetails.get("customers_carried"), carriedCustomers);
        assertTrue(carried > 1000 && counted > 100, "most rows are carried, and their repeat reasons count days: " + carried + ", " + counted);
    }

    @Test
    void aFullRankingRanksEveryCustomerTonight() {
        assertTrue(rebuiltRows.values().stream().allMatch(row -> row.<Date>getAs("ranked_as_of").toLocalDate().equals(NIGHT)));
        assertEquals(Optional.empty(), Optional.ofNullable(rebuildDetails.get("carried_from_epoch_day")));
    }
}
