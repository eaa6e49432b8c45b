package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Category and product multipliers: a line of a listed category or product earns its base points times the
 * multiplier; this rule writes the extra part, base_points x (multiplier - 1), so the base entry stays the base.
 * A product's multiplier wins over its category's. Settings: {@code category.<category>=2},
 * {@code product.<product_id>=3}.
 */
final class MultiplierRule implements EarningRule {
    private final Map<String, Double> categories;
    private final Map<String, Double> products;

    MultiplierRule(Map<String, Double> categories, Map<String, Double> products) {
        this.categories = categories;
        this.products = products;
    }

    @Override
    public Dataset<Row> earn(EarningInputs inputs) {
        Column multiplier = lit(1.0);
        for (var entry : categories.entrySet()) {
            multiplier = when(col("category").equalTo(entry.getKey()), lit(entry.getValue())).otherwise(multiplier);
        }
        for (var entry : products.entrySet()) {
            multiplier = when(col("product_id").equalTo(entry.getKey()), lit(entry.getValue())).otherwise(multiplier);
        }
        Dataset<Row> lines = inputs.lines().withColumn("multiplier", multiplier).where(col("multiplier").gt(1.0));
        return EarningRule.perLine(lines, col("base_points").multiply(col("multiplier").minus(1.0)));
    }
}
