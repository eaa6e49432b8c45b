package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Runs the earning rules in their configured order and turns their awards into earn entries. Caps apply to
 * redeemable points in that order: first per basket (earning.cap-per-transaction), then per member and purchase
 * day (earning.cap-per-day); an award is cut to what is left under the cap, so the rules listed first are paid
 * first. Qualifying points are not capped. Redeemable points are pending while the return window is open.
 */
public final class EarningStep {
    private final LoyaltyConfig config;
    private final List<EarningRules.Named> rules;

    public EarningStep(LoyaltyConfig config) {
        this.config = config;
        this.rules = EarningRules.create(config);
    }

    /** Draft earn entries (see {@link Ledger#DRAFT}). */
    public Dataset<Row> earn(EarningInputs inputs) {
        Column[] output = Arrays.stream(EarningRule.OUTPUT).map(name -> col(name)).toArray(Column[]::new);
        Dataset<Row> awards = null;
        for (int order = 0; order < rules.size(); order++) {
            EarningRules.Named named = rules.get(order);
            Dataset<Row> part = named.rule().earn(inputs).select(output)
                    .withColumn("rule", lit(named.id())).withColumn("rule_order", lit(order));
            awards = awards == null ? part : awards.unionByName(part);
        }
        if (awards == null) {
            return EarningRule.perLine(inputs.lines(), lit(0)).limit(0).withColumn("rule", lit("")).withColumn("rule_order", lit(0))
                    .transform(this::asDrafts);
        }
        awards = awards.where(col("points").gt(0));
        Dataset<Row> redeemable = awards.where(col("points_kind").equalTo(EarningRule.REDEEMABLE));
        redeemable = capped(redeemable, config.capPerTransaction(), Window.partitionBy("customer_id", "transaction_key"));
        redeemable = capped(redeemable, config.capPerDay(), Window.partitionBy("customer_id", "source_date"));
        return redeemable.unionByName(awards.where(col("points_kind").notEqual(EarningRule.REDEEMABLE)))
                .where(col("points").gt(0)).transform(this::asDrafts);
    }

    /** Cuts each award to what is left under the cap after the awards before it (rule order, then key). */
    private static Dataset<Row> capped(Dataset<Row> awards, long cap, WindowSpec group) {
        if (cap <= 0) {
            return awards;
        }
        WindowSpec ordered = group.orderBy(col("rule_order"), col("entry_key"), col("source_id"))
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        Column before = sum(col("points")).over(ordered).minus(col("points"));
        return awards.withColumn("points", greatest(lit(0L), least(col("points"), lit(cap).minus(before))).cast("long"));
    }

    private Dataset<Row> asDrafts(Dataset<Row> awards) {
        String redeemableBucket = config.returnWindowDays() > 0 ? Ledger.PENDING : Ledger.AVAILABLE;
        return awards.select(col("customer_id"), lit(Ledger.EARN).as("entry_type"), col("points_kind"),
                when(col("points_kind").equalTo(EarningRule.REDEEMABLE), lit(redeemableBucket)).otherwise(lit(Ledger.QUALIFYING)).as("bucket"),
                col("points"), col("source_date").as("entry_date"), col("source_id"), col("source_date"),
                lit(null).cast("string").as("related_entry_id"), col("rule"), col("entry_key").as("id_key"));
    }
}
