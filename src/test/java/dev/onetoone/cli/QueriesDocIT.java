package dev.onetoone.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * Every query of docs/queries.md, run through the sql command against the shared sample night, and checked against
 * the same question answered with the Dataset API.
 */
class QueriesDocIT extends SparkTestSupport {
    private static final Pattern BLOCK = Pattern.compile("(?m)^## (.+)$(?s:.*?)```sql\\n((?s:.*?))```");
    private static Map<String, String> queries;
    private static Warehouse warehouse;
    private static Date asOf;

    @BeforeAll
    static void queriesOfTheDocument() throws IOException {
        String document = Files.readString(WarehouseFixture.sample("docs/queries.md"));
        queries = new HashMap<>();
        Matcher matcher = BLOCK.matcher(document);
        while (matcher.find()) {
            queries.put(matcher.group(1).trim(), matcher.group(2));
        }
        warehouse = SampleNight.warehouse();
        asOf = Date.valueOf(SampleNight.AS_OF);
    }

    /** The query's result as CSV lines, header first, from the sql command. */
    private static List<String[]> run(String title) {
        String query = queries.get(title);
        assertTrue(query != null, "docs/queries.md has a query under '## " + title + "'; it has " + queries.keySet());
        var out = new StringWriter();
        var err = new StringWriter();
        int code = OneToOneCli.execute(new String[] {"sql", query, "--format", "csv", "--warehouse", warehouse.root()},
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, title + ": " + err);
        List<String[]> lines = new ArrayList<>();
        for (String line : out.toString().replace("\r\n", "\n").split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line.split(",", -1));
            }
        }
        return lines;
    }

    private static Dataset<Row> latestModels() {
        return warehouse.readAsOf(Tables.CUSTOMER_MODEL, SampleNight.AS_OF);
    }

    @Test
    void theDocumentHasTheFourQuestions() {
        assertEquals(4, queries.size(), queries.keySet().toString());
    }

    @Test
    void dueForAReminderListsExactlyTheOverdueActiveCustomersWhoMayBeEmailed() {
        List<String[]> lines = run("Who is due for a reminder");
        Dataset<Row> reachable = warehouse.read(Tables.CUSTOMERS).where(col("consent_email").and(col("opt_out").equalTo(false)));
        long expected = latestModels().where(col("days_overdue").between(0, 14).and(col("p_alive").geq(0.5)))
                .join(reachable, "customer_id").count();
        assertTrue(expected > 0, "the sample has customers due");
        assertEquals(expected, lines.size() - 1);
        assertEquals("customer_id", lines.get(0)[0]);
        for (int i = 2; i < lines.size(); i++) {
            assertTrue(Integer.parseInt(lines.get(i - 1)[1]) >= Integer.parseInt(lines.get(i)[1]), "most overdue first");
        }
    }

    @Test
    void slippingAwayListsValuableCustomersBelowOneHalfPAlive() {
        List<String[]> lines = run("Who is slipping away");
        double topQuarter = latestModels().selectExpr("percentile_approx(clv, 0.75)").first().getDouble(0);
        long expected = latestModels().where(col("clv").geq(topQuarter).and(col("p_alive").lt(0.5))).count();
        assertTrue(expected > 0, "the sample has valuable customers slipping away");
        assertEquals(expected, lines.size() - 1, "top-quarter clv " + topQuarter);
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(Double.parseDouble(lines.get(i)[2]) < 0.5, String.join(",", lines.get(i)));
        }
    }

    @Test
    void expectedValueBySegmentAddsUpToEveryModelledCustomer() {
        List<String[]> lines = run("Expected value by segment");
        long customers = 0;
        double clv = 0;
        for (int i = 1; i < lines.size(); i++) {
            customers += Long.parseLong(lines.get(i)[1]);
            clv += Double.parseDouble(lines.get(i)[4]);
        }
        assertEquals(latestModels().count(), customers);
        double total = latestModels().agg(org.apache.spark.sql.functions.sum("clv")).first().getDouble(0);
        assertEquals(total, clv, 0.01 * lines.size(), "segment totals are rounded to cents");
    }

    @Test
    void howACampaignDidCountsTheOffersSentAndWithheldPerCampaign() {
        List<String[]> lines = run("How a campaign did");
        Dataset<Row> offers = warehouse.read(Tables.OFFERS).where(col("as_of").equalTo(asOf));
        long campaigns = offers.select("campaign_id").distinct().count();
        assertEquals(campaigns, lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String campaign = lines.get(i)[0];
            Dataset<Row> own = offers.where(col("campaign_id").equalTo(campaign));
            assertEquals(own.where(col("offer_group").isin("treatment", "explore")).count(), Long.parseLong(lines.get(i)[1]), campaign);
            assertEquals(own.where(col("offer_group").isin("control", "holdout")).count(), Long.parseLong(lines.get(i)[2]), campaign);
        }
    }
}
