package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.io.Tables;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/** Ingest against real Delta tables, with the shipped messy file (see data-samples/README.md for its rows). */
class IngestIT extends SparkTestSupport {
    private static final String MESSY = WarehouseFixture.sample("data-samples/messy/transactions.csv").toString();
    private static final Map<String, String> LENIENT = Map.of("ingest.max-quarantine-share", "0.5");
    private static final LocalDate REFERENCE = LocalDate.of(2026, 1, 2);

    private static List<StageResult> ingest(RunContext context, IngestRequest request) {
        return new IngestRunner(context, new RunLog(context)).ingest(request, null, REFERENCE);
    }

    private static IngestRequest transactions(String path) {
        return new IngestRequest(Optional.of(path), Optional.empty(), Optional.empty());
    }

    @Test
    void messyFileQuarantinesEveryBadRowWithItsReasonAndTheCountsAddUp(@TempDir Path warehouse) {
        RunContext context = WarehouseFixture.context(warehouse, LENIENT);
        StageResult result = ingest(context, transactions(MESSY)).get(0);

        assertEquals(35, result.rowsIn());
        assertEquals(20, result.rowsOut());
        assertEquals(15, result.rowsQuarantined());
        var tables = context.warehouse();
        assertEquals(20, tables.read(Tables.TRANSACTIONS).count());
        assertEquals(15, tables.read(Tables.QUARANTINE).count());

        Map<String, Long> reasons = new TreeMap<>();
        for (Row row : tables.read(Tables.QUARANTINE).groupBy("reasons").count().collectAsList()) {
            reasons.put(row.getString(0), row.getLong(1));
        }
        Map<String, Long> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("missing_customer_id", 1L), Map.entry("unparsable_ts", 2L), Map.entry("unparsable_quantity", 1L),
                Map.entry("unparsable_unit_price", 1L), Map.entry("zero_quantity", 1L), Map.entry("negative_price", 1L),
                Map.entry("negative_quantity_not_return", 1L), Map.entry("future_date", 1L),
                Map.entry("before_history_start", 1L), Map.entry("duplicate_line", 1L), Map.entry("malformed_line", 1L),
                Map.entry("missing_amount", 1L), Map.entry("negative_amount_not_return", 1L),
                Map.entry("unparsable_amount", 1L)));
        assertEquals(expected, reasons);

        Row log = tables.read(Tables.RUN_LOG).where("stage = 'ingest_transactions'").first();
        assertEquals("succeeded", log.getAs("status"));
        assertEquals((long) log.getAs("rows_in"), (long) log.getAs("rows_out") + (long) log.getAs("rows_quarantined"));
        Map<String, Long> details = log.getJavaMap(log.fieldIndex("details"));
        assertEquals(1L, details.get("returns"));
        assertEquals(1L, details.get("zero_value_lines"));
        assertEquals(15L, details.get("unknown_customers_created"), "M01..M15 have no master data");
        assertEquals(15L, tables.read(Tables.CUSTOMERS).where("not is_known and not consent_email").count());
        assertEquals(1, tables.read(Tables.TRANSACTIONS).where("is_return and amount = -6.74").count());
    }

    @Test
    void reingestingTheSameFileAddsNoRows(@TempDir Path warehouse) {
        RunContext first = WarehouseFixture.context(warehouse, LENIENT);
        ingest(first, transactions(MESSY));
        RunContext second = WarehouseFixture.context(warehouse, LENIENT);
        StageResult again = ingest(second, transactions(MESSY)).get(0);

        assertEquals(20, again.rowsOut());
        assertEquals(0L, again.details().get("new_rows"));
        assertEquals(20L, again.details().get("already_loaded"));
        assertEquals(0L, again.details().get("quarantine_new_rows"));
        assertEquals(20, first.warehouse().read(Tables.TRANSACTIONS).count());
        assertEquals(15, first.warehouse().read(Tables.QUARANTINE).count());
        assertEquals(15, first.warehouse().read(Tables.CUSTOMERS).count());
    }

    @Test
    void quarantineShareAboveTheThresholdFailsAfterWritingTheQuarantine(@TempDir Path warehouse) {
        RunContext context = WarehouseFixture.context(warehouse, Map.of());
        var error = assertThrows(DataQualityException.class, () -> ingest(context, transactions(MESSY)));
        assertTrue(error.getMessage().contains("15 of 35 rows"), error.getMessage());
        assertTrue(error.getMessage().contains("ingest.max-quarantine-share"), error.getMessage());

        var tables = context.warehouse();
        assertEquals(15, tables.read(Tables.QUARANTINE).count(), "bad rows are kept");
        assertEquals(0, tables.read(Tables.TRANSACTIONS).count(), "the batch is held back");
        Row log = tables.read(Tables.RUN_LOG).first();
        assertEquals("quality_failed", log.getAs("status"));
        assertEquals(35L, (long) log.getAs("rows_in"));
        assertEquals(15L, (long) log.getAs("rows_quarantined"));
    }

    @Test
    void masterDataReplacesPlaceholdersAndValidatesItsOwnRows(@TempDir Path warehouse, @TempDir Path input) throws IOException {
        RunContext context = WarehouseFixture.context(warehouse, Map.of("ingest.max-quarantine-share", "0.9"));
        ingest(context, transactions(MESSY));
        Path customers = writeFile(input, "customers.csv", String.join("\n",
                "customer_id,signup_date,country,birth_date,consent_email,consent_sms,consent_push,opt_out",
                "M01,2024-05-01,DE,1980-02-29,true,false,yes,false",
                "M02,2024-13-01,DE,,true,false,false,false",
                "M03,2024-06-01,FR,,maybe,false,false,false",
                ",2024-06-01,FR,,true,false,false,false",
                "M01,2024-05-02,DE,,false,false,false,false",
                "M04,2024-07-01,NL,,TRUE,N,0,1") + "\n");
        StageResult result = ingest(context, new IngestRequest(Optional.empty(), Optional.of(customers.toString()), Optional.empty())).get(0);

        assertEquals(6, result.rowsIn());
        assertEquals(2, result.rowsOut());
        assertEquals(4, result.rowsQuarantined());
        var tables = context.warehouse();
        Row m01 = tables.read(Tables.CUSTOMERS).where("customer_id = 'M01'").first();
        assertTrue((Boolean) m01.getAs("is_known"));
        assertTrue((Boolean) m01.getAs("consent_email"));
        assertTrue((Boolean) m01.getAs("consent_push"));
        assertEquals(java.sql.Date.valueOf("1980-02-29"), m01.getAs("birth_date"));
        Row m04 = tables.read(Tables.CUSTOMERS).where("customer_id = 'M04'").first();
        assertTrue((Boolean) m04.getAs("opt_out"));
        assertFalse((Boolean) m04.getAs("consent_sms"));
        Row m02 = tables.read(Tables.CUSTOMERS).where("customer_id = 'M02'").first();
        assertFalse((Boolean) m02.getAs("is_known"), "the bad record did not replace the placeholder");
        Map<String, Long> reasons = new TreeMap<>();
        for (Row row : tables.read(Tables.QUARANTINE).where("source_kind = 'customers'").groupBy("reasons").count().collectAsList()) {
            reasons.put(row.getString(0), row.getLong(1));
        }
        assertEquals(Map.of("unparsable_date", 1L, "unparsable_boolean", 1L, "missing_customer_id", 1L, "duplicate_key", 1L), reasons);
    }

    @Test
    void productMasterDataIsValidatedAndFillsMissingCategories(@TempDir Path warehouse, @TempDir Path input) throws IOException {
        RunContext context = WarehouseFixture.context(warehouse, Map.of("ingest.max-quarantine-share", "0.9"));
        Path products = writeFile(input, "products.csv", String.join("\n",
                "product_id,name,category,price,unit_cost,replenishable",
                "P1,Espresso beans,coffee,7.49,4.10,true",
                "P2,Milk,dairy,-1.19,0.70,true",
                "P3,Cable,electronics,9.99,abc,false",
                "P4,Socks,apparel,4.99,2.00,sometimes") + "\n");
        Path lines = writeFile(input, "transactions.csv", String.join("\n",
                "customer_id,ts,product_id,quantity,unit_price",
                "K1,2025-05-01 10:00:00,P1,1,7.49",
                "K1,2025-05-01 10:00:00,P9,1,1.00") + "\n");
        List<StageResult> results = ingest(context, new IngestRequest(Optional.of(lines.toString()), Optional.empty(), Optional.of(products.toString())));
        assertEquals("ingest_products", results.get(0).stage());
        assertEquals(1, results.get(0).rowsOut());
        assertEquals(3, results.get(0).rowsQuarantined());
        var tables = context.warehouse();
        assertEquals("coffee", tables.read(Tables.TRANSACTIONS).where("product_id = 'P1'").first().getAs("category"));
        assertEquals(1L, results.get(1).details().get("unknown_products_created"));
        assertEquals(2, tables.read(Tables.PRODUCTS).count());
    }
}
