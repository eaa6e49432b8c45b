package dev.onetoone.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.onetoone.config.IngestConfig;
import dev.onetoone.config.SourceEntity;
import dev.onetoone.io.RawInput;
import dev.onetoone.io.Tables;

/**
 * Validates product master data. {@code replenishable} defaults to false; a unit cost above the price is allowed
 * (loss leaders) but a negative price or cost is not. The first record of a product id in a file wins.
 */
public final class ProductValidator {
    private final IngestConfig config;

    public ProductValidator(IngestConfig config) {
        this.config = config;
    }

    public ValidatedRows validate(RawInput input, String runId, Instant now) {
        var source = new SourceColumns(input, config.mapping(SourceEntity.PRODUCTS));
        Column replenishable = SourceColumns.bool(source.text("replenishable"));
        var columns = new ArrayList<Column>(List.of(
                        col(ValidatedRows.ROW_ORDER),
                        source.lineKey().as(ValidatedRows.LINE_HASH),
                        source.text("product_id").as("product_id"),
                        source.text("name").as("name"),
                        source.text("category").as("category"),
                        source.parsed("price", Tables.UNIT_PRICE).as("price"),
                        source.parsed("unit_cost", Tables.UNIT_PRICE).as("unit_cost"),
                        coalesce(replenishable, lit(false)).as("replenishable"),
                        source.malformed().as("_malformed"),
                        source.unparsable("price", Tables.UNIT_PRICE).as("_bad_price"),
                        source.unparsable("unit_cost", Tables.UNIT_PRICE).as("_bad_cost"),
                        source.text("replenishable").isNotNull().and(replenishable.isNull()).as("_bad_flag"),
                        source.nonFinite("price").or(source.nonFinite("unit_cost")).as("_non_finite"),
                        source.outOfRange("price", Tables.UNIT_PRICE).or(source.outOfRange("unit_cost", Tables.UNIT_PRICE))
                                .as("_out_of_range")));
        columns.addAll(ValidatedRows.sourceColumns(input));
        Dataset<Row> typed = ValidatedRows.withRowOrder(input.rows()).select(columns.toArray(Column[]::new))
                .withColumn("_key_occurrence", ValidatedRows.occurrenceOf(col("product_id")));

        Map<String, Column> rules = SourceColumns.rules();
        rules.put(ReasonCodes.MISSING_PRODUCT_ID, col("product_id").isNull());
        rules.put(ReasonCodes.UNPARSABLE_PRICE, col("_bad_price"));
        rules.put(ReasonCodes.NEGATIVE_PRICE, col("price").lt(0));
        rules.put(ReasonCodes.UNPARSABLE_UNIT_COST, col("_bad_cost"));
        rules.put(ReasonCodes.NEGATIVE_UNIT_COST, col("unit_cost").lt(0));
        rules.put(ReasonCodes.UNPARSABLE_BOOLEAN, col("_bad_flag"));
        rules.put(ReasonCodes.NON_FINITE_VALUE, col("_non_finite"));
        rules.put(ReasonCodes.VALUE_OUT_OF_RANGE, col("_out_of_range"));
        rules.put(ReasonCodes.DUPLICATE_LINE, col(ValidatedRows.OCCURRENCE).gt(1));
        rules.put(ReasonCodes.DUPLICATE_KEY, col("product_id").isNotNull().and(col("_key_occurrence").gt(1))
                .and(col(ValidatedRows.OCCURRENCE).equalTo(1)));
        String sourceFile = input.sourceFile();
        return ValidatedRows.of(typed, rules, accepted -> accepted.select(
                col("product_id"), col("name"), col("category"), col("price"), col("unit_cost"), col("replenishable"),
                lit(true).as("is_known"),
                lit(sourceFile).as("source_file"),
                lit(runId).as("run_id"),
                lit(Timestamp.from(now)).as("updated_at")), Map.of(), input, SourceEntity.PRODUCTS, runId, now);
    }
}
