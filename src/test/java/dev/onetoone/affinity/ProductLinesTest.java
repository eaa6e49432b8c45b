package dev.onetoone.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class ProductLinesTest extends SparkTestSupport {
    private static final LocalDate AS_OF = LocalDate.parse("2025-01-31");

    @Test
    void aPlaceholderProductsDefaultFlagIsNotTakenForDurable() {
        var data = new AffinityTestData()
                .buy("c", "KNOWN_DURABLE", "x", "2025-01-10")
                .buy("c", "KNOWN_REPEAT", "x", "2025-01-10")
                .buy("c", "PLACEHOLDER", "x", "2025-01-10")
                .buy("c", "NOT_IN_CATALOGUE", "x", "2025-01-10");
        Dataset<Row> products = spark().sql("SELECT * FROM VALUES ('KNOWN_DURABLE', 'x', false, true), ('KNOWN_REPEAT', 'x', true, true), "
                + "('PLACEHOLDER', 'x', false, false) AS p(product_id, category, replenishable, is_known)");
        Map<String, Boolean> flags = new TreeMap<>();
        for (Row row : ProductLines.of(data.transactions(), products, AS_OF, 90.0).collectAsList()) {
            flags.put(row.getAs("product_id"), row.getAs("replenishable"));
        }
        // A known product keeps its flag; a placeholder (is_known = false) and a product outside the catalogue are
        // unknown, and unknown is treated as replenishable so that a repeat is not ruled out.
        assertEquals(Map.of("KNOWN_DURABLE", false, "KNOWN_REPEAT", true, "NOT_IN_CATALOGUE", true, "PLACEHOLDER", true), flags);
    }
}
