package dev.onetoone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.generate.GeneratorConfig;
import dev.onetoone.generate.GeneratorSummary;
import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.WarehouseFixture;

/** The nightly run on generated data: complete, and idempotent for a date. */
class NightlyIT extends SparkTestSupport {
    private static final LocalDate END = LocalDate.of(2025, 6, 30);

    private static Map<String, Long> counts(Warehouse warehouse) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TableSpec table : Tables.ALL) {
            if (table != Tables.RUN_LOG) {
                counts.put(table.name(), warehouse.read(table).count());
            }
        }
        return counts;
    }

    /** The offers of a date as text, without the run id (small: a few hundred rows). */
    private static List<String> offerRows(Warehouse warehouse, LocalDate asOf) {
        return warehouse.readAsOf(Tables.OFFERS, asOf).drop("run_id").orderBy("offer_id").collectAsList().stream().map(Row::toString).toList();
    }

    @Test
    void aSecondRunForTheSameDateChangesNoCountsAndOtherDatesAreKept(@TempDir Path input, @TempDir Path warehouseDir) throws IOException {
        GeneratorSummary generated = new SyntheticDataGenerator(
                GeneratorConfig.of(300, LocalDate.of(2025, 1, 1), END, 7)).generate(input);

        RunContext first = WarehouseFixture.context(warehouseDir, Map.of());
        new NightlyPipeline(first).run(END, Optional.of(input.toString()));
        Warehouse warehouse = first.warehouse();
        Map<String, Long> afterFirst = counts(warehouse);
        assertEquals(generated.transactionLines(), afterFirst.get("transactions"));
        assertEquals(0L, afterFirst.get("quarantine"));
        assertEquals(300L, afterFirst.get("customers"));
        assertEquals(300L, afterFirst.get("rfm"), "every generated customer bought at least once");
        assertEquals(6L, warehouse.read(Tables.RUN_LOG).count(), "ingest products, customers, transactions; rfm; model; offers");

        List<String> offersAfterFirst = offerRows(warehouse, END);
        RunContext second = WarehouseFixture.context(warehouseDir, Map.of());
        new NightlyPipeline(second).run(END, Optional.of(input.toString()));
        assertEquals(afterFirst, counts(warehouse));
        assertEquals(offersAfterFirst, offerRows(warehouse, END), "a rerun decides the same offers");
        assertEquals(12L, warehouse.read(Tables.RUN_LOG).count(), "the run log records both runs");

        LocalDate earlier = END.minusMonths(3);
        new NightlyPipeline(WarehouseFixture.context(warehouseDir, Map.of())).run(earlier, Optional.empty());
        long customersByEarlier = warehouse.read(Tables.TRANSACTIONS)
                .where("not is_return and purchase_date <= date'" + earlier + "'").select("customer_id").distinct().count();
        assertEquals(customersByEarlier, warehouse.readAsOf(Tables.RFM, earlier).count());
        assertEquals(300L, warehouse.readAsOf(Tables.RFM, END).count(), "the later date is untouched");
        assertEquals(customersByEarlier, warehouse.readAsOf(Tables.CUSTOMER_MODEL, earlier).count(), "a backfilled night is modelled too");
        assertEquals(300L, warehouse.readAsOf(Tables.CUSTOMER_MODEL, END).count());
        assertEquals(300L, warehouse.read(Tables.CUSTOMER_STATE).count(), "a backfill leaves the state of the later night alone");
    }
}
