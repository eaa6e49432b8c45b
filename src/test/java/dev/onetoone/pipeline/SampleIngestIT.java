package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.Tables;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/**
 * The shipped sample loads line for line: every line of transactions.csv.gz is one row of {@code transactions} with
 * the file's values, and its key is the first 16 bytes of the SHA-256 that earlier versions stored as hex. The
 * expected rows are read from the file here in plain Java, independently of Spark.
 */
class SampleIngestIT extends SparkTestSupport {
    private static final Path SAMPLE = WarehouseFixture.sample("data-samples/sample");

    /** One line of the file as the table should hold it. */
    record Line(String customerId, String transactionId, String productId, double quantity, BigDecimal amount, String channel,
            boolean isReturn) {
    }

    /** The lines of the sample by hex line key, parsed in plain Java (the sample has no quoted fields). */
    private static Map<String, Line> expectedLines() throws IOException, NoSuchAlgorithmException {
        Map<String, Line> lines = new HashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(SAMPLE.resolve("transactions.csv.gz"))), StandardCharsets.UTF_8))) {
            List<String> header = Arrays.asList(reader.readLine().split(",", -1));
            String text;
            while ((text = reader.readLine()) != null) {
                String[] fields = text.split(",", -1);
                // the documented line hash: source values in file order, empty as U+0000, then the (absent) raw text
                // of a malformed line, joined by U+001F
                List<String> parts = new ArrayList<>();
                for (String field : fields) {
                    parts.add(field.isEmpty() ? "\u0000" : field);
                }
                parts.add("\u0000");
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\u001f", parts).getBytes(StandardCharsets.UTF_8));
                String key = HexFormat.of().formatHex(Arrays.copyOf(digest, 16));
                double quantity = Double.parseDouble(fields[header.indexOf("quantity")]);
                var line = new Line(fields[header.indexOf("customer_id")], fields[header.indexOf("transaction_id")],
                        fields[header.indexOf("product_id")], quantity, new BigDecimal(fields[header.indexOf("amount")]),
                        fields[header.indexOf("channel")].toLowerCase(Locale.ROOT), quantity < 0);
                assertEquals(null, lines.put(key, line), "the sample has no duplicate lines");
            }
        }
        return lines;
    }

    @Test
    void everyLineOfTheSampleIsStoredOnceWithTheFileValuesAndTheTruncatedShaKey(@TempDir Path warehouse) throws Exception {
        Map<String, Line> expected = expectedLines();
        RunContext context = WarehouseFixture.context(warehouse, Map.of());
        List<StageResult> results = new IngestRunner(context, new RunLog(context)).ingest(new IngestRequest(
                Optional.of(SAMPLE.resolve("transactions.csv.gz").toString()), Optional.of(SAMPLE.resolve("customers.csv").toString()),
                Optional.of(SAMPLE.resolve("products.csv").toString())), null, WarehouseFixture.NOW.atZone(java.time.ZoneOffset.UTC).toLocalDate());

        StageResult transactions = results.get(2);
        assertEquals("ingest_transactions", transactions.stage());
        assertEquals(expected.size(), transactions.rowsIn());
        assertEquals(expected.size(), transactions.rowsOut(), "the generator writes valid lines only");
        assertEquals(0, transactions.rowsQuarantined());
        assertEquals(expected.values().stream().filter(Line::isReturn).count(), transactions.details().get("returns"));
        assertEquals(0L, transactions.details().get("unknown_customers_created"), "every buyer is in customers.csv");

        Map<String, Line> stored = new HashMap<>();
        for (Row row : context.warehouse().read(Tables.TRANSACTIONS).collectAsList()) {
            byte[] key = row.getAs("line_id");
            stored.put(HexFormat.of().formatHex(key), new Line(row.getAs("customer_id"), row.getAs("transaction_id"),
                    row.getAs("product_id"), row.getAs("quantity"), row.getAs("amount"), row.getAs("channel"), row.getAs("is_return")));
        }
        assertEquals(expected.size(), stored.size());
        assertEquals(expected, stored);
        assertTrue(context.warehouse().read(Tables.QUARANTINE).isEmpty());
    }
}
