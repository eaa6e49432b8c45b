package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Tier multipliers: a member in a listed tier earns base_points x (multiplier - 1) extra per line, by the tier held
 * before tonight's review (an upgrade earned by tonight's purchases counts from the next purchase). Settings:
 * {@code tier.<tier>=1.5}.
 */
final class TierMultiplierRule implements EarningRule {
    private final Map<String, Double> multipliers;

    TierMultiplierRule(Map<String, Double> multipliers) {
        this.multipliers = multipliers;
    }

    @Override
    public Dataset<Row> earn(EarningInputs inputs) {
        Column multiplier = lit(1.0);
        for (var entry : multipliers.entrySet()) {
            multiplier = when(col("tier").equalTo(entry.getKey()), lit(entry.getValue())).otherwise(multiplier);
        }
        Dataset<Row> lines = inputs.lines().join(inputs.tiers(), "customer_id").withColumn("multiplier", multiplier)
                .where(col("multiplier").gt(1.0));
        return EarningRule.perLine(lines, col("base_points").multiply(col("multiplier").minus(1.0)));
    }
}
