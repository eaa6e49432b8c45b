package dev.onetoone.affinity;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.onetoone.testing.SparkTestSupport;

/** Small transaction and product tables for the affinity tests, written as SQL VALUES. */
final class AffinityTestData {
    private final List<String> lines = new ArrayList<>();
    private final List<String> products = new ArrayList<>();

    /** A purchase line; basket null means one basket per customer and day. */
    AffinityTestData buy(String customer, String product, String category, String day, String basket) {
        lines.add(String.format("('%s', '%s', '%s', DATE'%s', false, %s)", customer, product, category, day,
                basket == null ? "CAST(NULL AS STRING)" : "'" + basket + "'"));
        return this;
    }

    AffinityTestData buy(String customer, String product, String category, String day) {
        return buy(customer, product, category, day, null);
    }

    AffinityTestData returned(String customer, String product, String category, String day) {
        lines.add(String.format("('%s', '%s', '%s', DATE'%s', true, CAST(NULL AS STRING))", customer, product, category, day));
        return this;
    }

    AffinityTestData product(String product, String category, boolean replenishable) {
        products.add(String.format("('%s', '%s', %s)", product, category, replenishable));
        return this;
    }

    Dataset<Row> transactions() {
        return SparkTestSupport.spark().sql("SELECT * FROM VALUES " + String.join(", ", lines)
                + " AS t(customer_id, product_id, category, purchase_date, is_return, transaction_id)");
    }

    Dataset<Row> products() {
        return SparkTestSupport.spark().sql("SELECT * FROM VALUES " + String.join(", ", products)
                + " AS p(product_id, category, replenishable)");
    }
}
