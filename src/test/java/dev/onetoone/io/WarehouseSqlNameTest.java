package dev.onetoone.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/**
 * Delta resolves {@code delta.`path`} in SQL only for an absolute path: with the default relative warehouse
 * ({@code ./warehouse}), {@code ALTER TABLE delta.`./warehouse/transactions` ...} failed with TABLE_OR_VIEW_NOT_FOUND and
 * stopped the README's first night in ingest.
 */
class WarehouseSqlNameTest extends SparkTestSupport {
    @Test
    void aRelativeWarehouseIsNamedInSqlByItsAbsolutePath() {
        var warehouse = new Warehouse(spark(), "./target/relative-warehouse");
        String expected = Path.of("target/relative-warehouse/transactions").toAbsolutePath().normalize().toUri().getPath();
        assertEquals("delta.`file:" + (expected.endsWith("/") ? expected.substring(0, expected.length() - 1) : expected) + "`",
                warehouse.sqlName(Tables.TRANSACTIONS));
    }
}
