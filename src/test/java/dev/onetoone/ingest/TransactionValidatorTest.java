package dev.onetoone.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.ConfigLoader;
import dev.onetoone.config.IngestConfig;
import dev.onetoone.io.RawInput;
import dev.onetoone.testing.SparkTestSupport;

class TransactionValidatorTest extends SparkTestSupport {
    private static final LocalDate REFERENCE = LocalDate.of(2025, 6, 30);
    private static final List<String> COLUMNS = List.of("transaction_id", "customer_id", "ts", "product_id", "quantity",
            "unit_price", "discount", "amount", "channel");

    private static RawInput input(List<String> columns, List<List<String>> rows) {
        var withCorrupt = new ArrayList<>(columns);
        withCorrupt.add(RawInput.CORRUPT_RECORD);
        var padded = rows.stream().map(row -> {
            var values = new ArrayList<>(row);
            values.add(null);
            return (List<String>) values;
        }).toList();
        return new RawInput(strings(withCorrupt, padded), "inline.csv", columns);
    }

    private static List<String> row(String... values) {
        return Arrays.asList(values);
    }

    private static ValidatedRows validate(IngestConfig config, List<List<String>> rows) {
        return new TransactionValidator(config).validate(input(COLUMNS, rows), REFERENCE, "run-1", Instant.parse("2025-06-30T12:00:00Z"));
    }

    private static IngestConfig defaults() {
        return new ConfigLoader().load().ingest();
    }

    /** transaction_id to its reason codes, for the quarantined rows. */
    private static Map<String, List<String>> reasonsByTransaction(ValidatedRows rows) {
        Map<String, List<String>> reasons = new HashMap<>();
        for (Row row : rows.quarantined().select(
                functions.get_json_object(functions.col("raw_record"), "$.transaction_id"), functions.col("reason_codes")).collectAsList()) {
            reasons.put(row.getString(0), row.getList(1));
        }
        return reasons;
    }

    @Test
    void eachKindOfBadLineGetsItsReasonCode() {
        IngestConfig withHistoryStart = new ConfigLoader().withOverrides(Map.of("ingest.history-start", "2000-01-01")).load().ingest();
        ValidatedRows rows = validate(withHistoryStart, List.of(
                row("ok", "C1", "2025-01-05 10:00:00", "P1", "2", "5.00", "1.00", null, "Store"),
                row("no_customer", " ", "2025-01-05", "P1", "1", "5", null, null, "web"),
                row("bad_ts", "C1", "05/01/2025", "P1", "1", "5", null, null, "web"),
                row("no_ts", "C1", null, "P1", "1", "5", null, null, "web"),
                row("bad_qty", "C1", "2025-01-05", "P1", "two", "5", null, null, "web"),
                row("zero_qty", "C1", "2025-01-05", "P1", "0", "5", null, null, "web"),
                row("neg_price", "C1", "2025-01-05", "P1", "1", "-5", null, null, "web"),
                row("neg_qty_pos_amount", "C1", "2025-01-05", "P1", "-1", "5", null, "5.00", "web"),
                row("neg_amount", "C1", "2025-01-05", "P1", "1", "5", null, "-5.00", "web"),
                row("future", "C1", "2025-07-02", "P1", "1", "5", null, null, "web"),
                row("ancient", "C1", "1999-12-31", "P1", "1", "5", null, null, "web"),
                row("no_amount", "C1", "2025-01-05", "P1", "1", null, null, null, "web"),
                row("bad_amount", "C1", "2025-01-05", "P1", "1", null, null, "12,5", "web")));
        Map<String, List<String>> reasons = reasonsByTransaction(rows);
        assertEquals(List.of("missing_customer_id"), reasons.get("no_customer"));
        assertEquals(List.of("unparsable_ts"), reasons.get("bad_ts"));
        assertEquals(List.of("missing_ts"), reasons.get("no_ts"));
        assertEquals(List.of("unparsable_quantity"), reasons.get("bad_qty"));
        assertEquals(List.of("zero_quantity"), reasons.get("zero_qty"));
        assertEquals(List.of("negative_price"), reasons.get("neg_price"));
        assertEquals(List.of("negative_quantity_not_return"), reasons.get("neg_qty_pos_amount"));
        assertEquals(List.of("negative_amount_not_return"), reasons.get("neg_amount"));
        assertEquals(List.of("future_date"), reasons.get("future"));
        assertEquals(List.of("before_history_start"), reasons.get("ancient"));
        assertEquals(List.of("missing_amount"), reasons.get("no_amount"));
        assertEquals(List.of("unparsable_amount"), reasons.get("bad_amount"));
        assertEquals(12, reasons.size());
        assertEquals(1, rows.accepted().count());
    }

    @Test
    void amountIsQuantityTimesUnitPriceMinusDiscountWhenNotGiven() {
        Row accepted = validate(defaults(), List.of(row("T1", "C1", "2025-01-05 10:00:00", "P1", "2", "5.25", "1.00", null, "Store")))
                .accepted().first();
        assertEquals(new BigDecimal("9.50"), accepted.getAs("amount"));
        assertEquals(2.0, (Double) accepted.getAs("quantity"));
        assertEquals("store", accepted.getAs("channel"));
        assertEquals(java.sql.Date.valueOf("2025-01-05"), accepted.getAs("purchase_date"));
        assertFalse((Boolean) accepted.getAs("is_return"));
    }

    @Test
    void givenAmountWinsAndMissingOptionalColumnsGetDefaults() {
        var rows = new TransactionValidator(defaults()).validate(
                input(List.of("customer_id", "ts", "amount"), List.of(row("C9", "2025-02-01", "19.99"))),
                REFERENCE, "run-1", Instant.now());
        Row accepted = rows.accepted().first();
        assertEquals(new BigDecimal("19.99"), accepted.getAs("amount"));
        assertEquals(1.0, (Double) accepted.getAs("quantity"));
        assertEquals(new BigDecimal("0.00"), accepted.getAs("discount"));
        assertEquals("unknown", accepted.getAs("channel"));
        assertTrue(accepted.isNullAt(accepted.fieldIndex("transaction_id")));
    }

    @Test
    void negativeQuantityWithNonPositiveAmountIsKeptAsAReturn() {
        Row accepted = validate(defaults(), List.of(row("R1", "C1", "2025-01-06", "P1", "-1", "5.00", null, null, "store")))
                .accepted().first();
        assertTrue((Boolean) accepted.getAs("is_return"));
        assertEquals(new BigDecimal("-5.00"), accepted.getAs("amount"));
    }

    @Test
    void cancellationPrefixMarksReturnsAndCanBeRequired() {
        IngestConfig config = new ConfigLoader().withOverrides(Map.of(
                "ingest.cancellation-prefix", "C", "ingest.return-marker-required", "true")).load().ingest();
        ValidatedRows rows = validate(config, List.of(
                row("C100", "K1", "2025-01-06", "P1", "-1", "5.00", null, null, "store"),
                row("T100", "K1", "2025-01-06", "P1", "-1", "5.00", null, null, "store"),
                row("C101", "K1", "2025-01-06", "P1", "1", "5.00", null, null, "store")));
        Map<String, List<String>> reasons = reasonsByTransaction(rows);
        assertEquals(List.of("negative_quantity_not_return"), reasons.get("T100"));
        assertEquals(List.of("inconsistent_return"), reasons.get("C101"));
        Row accepted = rows.accepted().first();
        assertEquals("C100", accepted.getAs("transaction_id"));
        assertTrue((Boolean) accepted.getAs("is_return"));
    }

    @Test
    void exactDuplicateLinesKeepTheFirstAndQuarantineTheRest() {
        List<String> line = row("T1", "C1", "2025-01-05", "P1", "1", "5", null, null, "web");
        ValidatedRows rows = validate(defaults(), List.of(line, line, line));
        assertEquals(1, rows.accepted().count());
        assertEquals(2, rows.quarantined().where("reasons = 'duplicate_line'").count());
        // the two copies are distinct quarantine records, so both are kept
        assertEquals(2, rows.quarantined().select("record_id").distinct().count());
    }

    @Test
    void zeroValueLinesAreKeptAndFlaggedByDefaultAndQuarantinedOnRequest() {
        List<String> free = row("T1", "C1", "2025-01-05", "P1", "1", "0", null, null, "web");
        Row kept = validate(defaults(), List.of(free)).accepted().first();
        assertTrue((Boolean) kept.getAs("is_zero_value"));
        IngestConfig strict = new ConfigLoader().withOverrides(Map.of("ingest.zero-value-lines", "quarantine")).load().ingest();
        assertEquals(List.of("zero_value"), reasonsByTransaction(validate(strict, List.of(free))).get("T1"));
    }

    @Test
    void everyInputRowIsEitherAcceptedOrQuarantined() {
        var data = new ArrayList<List<String>>();
        for (int i = 0; i < 50; i++) {
            String ts = i % 7 == 0 ? "garbage" : "2025-03-" + String.format("%02d", 1 + i % 28);
            String quantity = i % 11 == 0 ? "0" : "1";
            data.add(row("T" + i, i % 13 == 0 ? null : "C" + (i % 5), ts, "P1", quantity, "3.00", null, null, "web"));
        }
        data.add(data.get(1));
        ValidatedRows rows = validate(defaults(), data);
        long accepted = rows.accepted().count();
        long quarantined = rows.quarantined().count();
        assertEquals(data.size(), accepted + quarantined);
        // rows 0,7,14,...,49 have bad dates (8 rows); 11,22,33,44 zero quantity; 13,26,39 no customer; one duplicate
        assertEquals(8 + 4 + 3 + 1, quarantined);
    }

    @Test
    void missingRequiredColumnIsAConfigurationErrorNamingIt() {
        var error = assertThrows(ConfigException.class, () -> new TransactionValidator(defaults())
                .validate(input(List.of("customer", "ts", "amount"), List.of(row("C1", "2025-01-01", "1"))), REFERENCE, "r", Instant.now()));
        assertTrue(error.getMessage().contains("'customer_id'"), error.getMessage());
        var noAmount = assertThrows(ConfigException.class, () -> new TransactionValidator(defaults())
                .validate(input(List.of("customer_id", "ts"), List.of(row("C1", "2025-01-01"))), REFERENCE, "r", Instant.now()));
        assertTrue(noAmount.getMessage().contains("'amount'"), noAmount.getMessage());
    }

    @Test
    void columnMappingReadsSourceColumnsUnderOtherNames() {
        IngestConfig mapped = new ConfigLoader().withOverrides(Map.of(
                "mapping.transactions.customer_id", "CustomerID",
                "mapping.transactions.ts", "InvoiceDate",
                "mapping.transactions.unit_price", "UnitPrice")).load().ingest();
        Dataset<Row> accepted = new TransactionValidator(mapped).validate(
                input(List.of("CustomerID", "InvoiceDate", "UnitPrice"), List.of(row("17850", "2025-12-01 08:26:00", "2.55"))),
                LocalDate.of(2025, 12, 31), "r", Instant.now()).accepted();
        Row row = accepted.first();
        assertEquals("17850", row.getAs("customer_id"));
        assertEquals(new BigDecimal("2.55"), row.getAs("amount"));
    }

    private static List<String> reasonsOf(ValidatedRows rows, String transactionId) {
        List<String> reasons = reasonsByTransaction(rows).get(transactionId);
        return reasons == null ? List.of() : reasons;
    }

    @Test
    void aNumberTheTableCannotHoldIsQuarantinedInsteadOfFailingTheRun() {
        ValidatedRows rows = validate(defaults(), List.of(
                row("huge_qty", "C1", "2025-01-05", "P1", "1e30", "5", null, null, "web"),
                row("huge_price", "C1", "2025-01-05", "P1", "1", "1e30", null, null, "web"),
                row("huge_amount", "C1", "2025-01-05", "P1", "1", null, null, "1e20", "web"),
                row("huge_discount", "C1", "2025-01-05", "P1", "1", "5", "1e25", null, "web"),
                row("ok", "C1", "2025-01-05", "P1", "1", "5", null, null, "web")));
        // decimal(18, 4) holds at most 14 integer digits and decimal(18, 2) 16: each of these exceeds its column
        assertTrue(reasonsOf(rows, "huge_qty").contains("value_out_of_range"), reasonsOf(rows, "huge_qty").toString());
        assertTrue(reasonsOf(rows, "huge_price").contains("value_out_of_range"), reasonsOf(rows, "huge_price").toString());
        assertTrue(reasonsOf(rows, "huge_amount").contains("value_out_of_range"), reasonsOf(rows, "huge_amount").toString());
        assertTrue(reasonsOf(rows, "huge_discount").contains("value_out_of_range"), reasonsOf(rows, "huge_discount").toString());
        assertEquals(1, rows.accepted().count());
        assertEquals(4, rows.quarantined().count());
    }

    @Test
    void nonFiniteAndImplausibleNumbersAreQuarantined() {
        ValidatedRows rows = validate(defaults(), List.of(
                row("nan", "C1", "2025-01-05", "P1", "NaN", null, null, "5.00", "web"),
                row("inf", "C1", "2025-01-05", "P1", "Infinity", null, null, "5.00", "web"),
                row("minus_inf", "C1", "2025-01-05", "P1", "-Infinity", null, null, "-5.00", "web"),
                row("e308", "C1", "2025-01-05", "P1", "1e308", null, null, "5.00", "web"),
                row("e15", "C1", "2025-01-05", "P1", "1e15", null, null, "5.00", "web"),
                row("big_amount", "C1", "2025-01-05", "P1", "1", null, null, "9999999999999999.99", "web"),
                row("at_limits", "C1", "2025-01-05", "P1", "100000", null, null, "1000000.00", "web")));
        assertEquals(List.of("non_finite_value"), reasonsOf(rows, "nan"));
        assertEquals(List.of("non_finite_value"), reasonsOf(rows, "inf"));
        assertEquals(List.of("non_finite_value"), reasonsOf(rows, "minus_inf"));
        assertEquals(List.of("implausible_quantity"), reasonsOf(rows, "e308"));
        assertEquals(List.of("implausible_quantity"), reasonsOf(rows, "e15"));
        assertEquals(List.of("implausible_amount"), reasonsOf(rows, "big_amount"));
        // the limits themselves (ingest.max-quantity 100000, ingest.max-amount 1000000) are still plausible
        assertEquals(List.of("at_limits"), rows.accepted().select("transaction_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    @Test
    void plausibilityLimitsAreConfigurable() {
        IngestConfig strict = new ConfigLoader().withOverrides(Map.of("ingest.max-quantity", "10", "ingest.max-amount", "50")).load().ingest();
        ValidatedRows rows = validate(strict, List.of(
                row("eleven", "C1", "2025-01-05", "P1", "11", "1.00", null, null, "web"),
                row("dear_unit", "C1", "2025-01-05", "P1", "1", "60.00", null, "40.00", "web"),
                row("return", "C1", "2025-01-05", "P1", "-1", null, null, "-51.00", "web"),
                row("ten", "C1", "2025-01-05", "P1", "10", "5.00", null, null, "web")));
        assertEquals(List.of("implausible_quantity"), reasonsOf(rows, "eleven"));
        assertEquals(List.of("implausible_amount"), reasonsOf(rows, "dear_unit"));
        assertEquals(List.of("implausible_amount"), reasonsOf(rows, "return"), "the limit bounds the absolute value");
        assertEquals(1, rows.accepted().count());
    }

    @Test
    void historyHasNoLowerBoundByDefaultAndOneWhenConfigured() {
        List<List<String>> lines = List.of(row("old", "C1", "1997-03-01", "P1", "1", "5", null, null, "web"));
        assertEquals(1, validate(defaults(), lines).accepted().count(), "a 1997 dataset loads with the defaults");
        IngestConfig bounded = new ConfigLoader().withOverrides(Map.of("ingest.history-start", "2000-01-01")).load().ingest();
        assertEquals(List.of("before_history_start"), reasonsOf(validate(bounded, lines), "old"));
    }

    @Test
    void invisibleCharactersAreRemovedFromCustomerIdsAndFormulaOrControlCharactersQuarantineTheLine() {
        ValidatedRows rows = validate(defaults(), List.of(
                row("plain", "G01", "2025-01-05", "P1", "1", "5", null, null, "web"),
                row("zero_width", "G01\u200b", "2025-01-05", "P1", "1", "5", null, null, "web"),
                row("bom", "\ufeffG01", "2025-01-05", "P1", "1", "5", null, null, "web"),
                row("formula", "=HYPERLINK(\"http://x\")", "2025-01-05", "P1", "1", "5", null, null, "web"),
                row("plus", "+4930123", "2025-01-05", "P1", "1", "5", null, null, "web"),
                row("minus", "-1", "2025-01-05", "P1", "1", "5", null, null, "web"),
                row("at", "@SUM(A1)", "2025-01-05", "P1", "1", "5", null, null, "web"),
                row("control", "G\u000101", "2025-01-05", "P1", "1", "5", null, null, "web"),
                row("only_invisible", "\u200b", "2025-01-05", "P1", "1", "5", null, null, "web")));
        for (String id : List.of("formula", "plus", "minus", "at", "control")) {
            assertEquals(List.of("invalid_customer_id"), reasonsOf(rows, id), id);
        }
        assertEquals(List.of("missing_customer_id"), reasonsOf(rows, "only_invisible"));
        List<Row> accepted = rows.accepted().select("customer_id").distinct().collectAsList();
        assertEquals(1, accepted.size(), accepted.toString());
        assertEquals("G01", accepted.get(0).getString(0));
        assertEquals(3, rows.accepted().count());
    }
}
