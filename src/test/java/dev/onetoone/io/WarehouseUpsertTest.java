package dev.onetoone.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.testing.SparkTestSupport;

/**
 * An upsert that changes a few rows of a large table writes those rows only: the replaced rows are marked in a
 * deletion vector, and no stored row is copied into a new file (as customer_state's nightly fold needs at scale).
 */
class WarehouseUpsertTest extends SparkTestSupport {
    private static final TableSpec STATE = new TableSpec.Builder("state", "test state")
            .required("customer_id", DataTypes.LongType, "key")
            .column("purchases", DataTypes.LongType, "a count")
            .keyedBy("customer_id")
            .build();

    @Test
    void anUpsertOfAFewRowsCopiesNoStoredRow(@TempDir Path directory) {
        var warehouse = new Warehouse(spark(), directory.toString());
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < 1_000; id++) {
            rows.add(RowFactory.create(id, 1L));
        }
        assertEquals(1_000, warehouse.upsert(STATE, spark().createDataFrame(rows, STATE.schema()).coalesce(1)));

        // Two customers bought again, one is new.
        long changed = warehouse.upsert(STATE, spark().createDataFrame(List.of(RowFactory.create(7L, 2L), RowFactory.create(500L, 3L),
                RowFactory.create(1_000L, 1L)), STATE.schema()));
        assertEquals(3, changed);

        Row commit = spark().sql("describe history delta.`" + warehouse.path(STATE) + "`").where("operation = 'MERGE'")
                .orderBy(org.apache.spark.sql.functions.col("version").desc()).first();
        Map<String, String> metrics = commit.getJavaMap(commit.fieldIndex("operationMetrics"));
        assertEquals("0", metrics.get("numTargetRowsCopied"), metrics.toString());
        assertEquals("2", metrics.get("numTargetRowsUpdated"), metrics.toString());
        assertEquals("1", metrics.get("numTargetRowsInserted"), metrics.toString());
        assertEquals("1", metrics.get("numTargetDeletionVectorsAdded"), metrics.toString());

        var stored = warehouse.read(STATE);
        assertEquals(1_001, stored.count());
        assertEquals(1_001, stored.select("customer_id").distinct().count(), "each customer once");
        assertEquals(List.of(RowFactory.create(7L, 2L), RowFactory.create(500L, 3L), RowFactory.create(1_000L, 1L)),
                stored.where("customer_id in (7, 500, 1000)").orderBy("customer_id").collectAsList());
        assertEquals(998, stored.where("purchases = 1 and customer_id < 1000").count(), "the other rows are unchanged");
    }

    @Test
    void aColumnTheStoredTableLacksIsReadAsATypedNull(@TempDir Path directory) {
        var warehouse = new Warehouse(spark(), directory.toString());
        TableSpec older = new TableSpec.Builder("state", "the same table before its purchases column")
                .required("customer_id", DataTypes.LongType, "key").keyedBy("customer_id").build();
        warehouse.upsert(older, spark().createDataFrame(List.of(RowFactory.create(1L), RowFactory.create(2L)), older.schema()));

        var rows = Warehouse.withMissingColumns(STATE, warehouse.read(STATE));
        assertEquals(DataTypes.LongType, rows.schema().apply("purchases").dataType());
        assertEquals(2, rows.where("purchases is null").count());
        assertEquals(List.of("customer_id", "purchases"), List.of(rows.columns()));
    }
}
