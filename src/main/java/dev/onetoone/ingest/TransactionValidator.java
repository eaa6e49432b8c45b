package dev.onetoone.ingest;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.try_multiply;
import static org.apache.spark.sql.functions.try_subtract;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.config.IngestConfig;
import dev.onetoone.config.SourceEntity;
import dev.onetoone.io.RawInput;
import dev.onetoone.io.Tables;

/**
 * Validates transaction lines. Defaults for absent optional columns: quantity 1, discount 0, channel
 * {@code unknown}, everything else null. The amount is taken from {@code amount} when given, otherwise computed as
 * quantity × unit_price − discount. A negative quantity is a return when its amount is not positive (and, if
 * configured, the transaction id carries the cancellation prefix); the cancellation prefix alone also marks a return.
 */
public final class TransactionValidator {
    private static final org.apache.spark.sql.types.DataType QUANTITY = DataTypes.DoubleType;

    private final IngestConfig config;

    public TransactionValidator(IngestConfig config) {
        this.config = config;
    }

    /**
     * @param referenceDate the day the feed is loaded; lines dated more than
     *                      {@link IngestConfig#futureToleranceDays()} after it are future-dated
     */
    public ValidatedRows validate(RawInput input, LocalDate referenceDate, String runId, Instant now) {
        var source = new SourceColumns(input, config.mapping(SourceEntity.TRANSACTIONS));
        if (!source.has("amount") && !source.has("unit_price")) {
            throw source.missingColumn("amount");
        }
        Column quantity = when(source.text("quantity").isNull(), lit(1.0)).otherwise(source.parsed("quantity", QUANTITY));
        Column unitPrice = source.parsed("unit_price", Tables.UNIT_PRICE);
        Column discount = when(source.text("discount").isNull(), lit(0).cast(Tables.MONEY))
                .otherwise(source.parsed("discount", Tables.MONEY));
        Column givenAmount = source.parsed("amount", Tables.MONEY);
        // try_ arithmetic: a product too large for the money type is null (quarantined as value_out_of_range)
        // instead of an error that would stop the whole file.
        Column computedAmount = round(try_subtract(try_multiply(quantity.try_cast(Tables.UNIT_PRICE), unitPrice), discount), 2)
                .try_cast(Tables.MONEY);
        Column ts = SourceColumns.timestamp(source.text("ts"), config.timestampFormats());
        Column transactionId = source.text("transaction_id");
        String prefix = config.cancellationPrefix();
        Column marker = prefix == null || prefix.isEmpty() ? lit(false) : coalesce(transactionId.startsWith(prefix), lit(false));

        var columns = new ArrayList<Column>(List.of(
                col(ValidatedRows.ROW_ORDER),
                source.lineKey().as(ValidatedRows.LINE_HASH),
                transactionId.as("transaction_id"),
                source.customerId().as("customer_id"),
                ts.as("ts"),
                to_date(ts).as("purchase_date"),
                source.text("product_id").as("product_id"),
                source.text("category").as("category"),
                quantity.as("quantity"),
                unitPrice.as("unit_price"),
                discount.as("discount"),
                coalesce(givenAmount, computedAmount).as("amount"),
                coalesce(lower(source.text("channel")), lit("unknown")).as("channel"),
                source.text("store_id").as("store_id"),
                source.text("offer_id").as("offer_id"),
                marker.as("_cancellation_marker"),
                source.malformed().as("_malformed"),
                // the reasons below test these, so keep the raw-vs-parsed comparisons as columns
                source.unparsable("quantity", QUANTITY).as("_bad_quantity"),
                source.unparsable("unit_price", Tables.UNIT_PRICE).as("_bad_unit_price"),
                source.unparsable("amount", Tables.MONEY).as("_bad_amount"),
                source.unparsable("discount", Tables.MONEY).as("_bad_discount"),
                source.text("ts").isNull().as("_missing_ts"),
                source.text("amount").isNull().and(source.text("unit_price").isNull()).as("_missing_amount"),
                source.nonFinite("quantity").or(source.nonFinite("unit_price")).or(source.nonFinite("amount"))
                        .or(source.nonFinite("discount")).as("_non_finite"),
                source.outOfRange("unit_price", Tables.UNIT_PRICE).or(source.outOfRange("amount", Tables.MONEY))
                        .or(source.outOfRange("discount", Tables.MONEY))
                        .or(source.text("amount").isNull().and(quantity.isNotNull()).and(SourceColumns.nonFinite(quantity).unary_$bang())
                                .and(unitPrice.isNotNull())
                                .and(discount.isNotNull()).and(computedAmount.isNull()))
                        .as("_out_of_range")));
        columns.addAll(ValidatedRows.sourceColumns(input));
        Dataset<Row> typed = ValidatedRows.withRowOrder(input.rows()).select(columns.toArray(Column[]::new));

        Column negativeQuantity = col("quantity").lt(0);
        Map<String, Column> rules = SourceColumns.rules();
        rules.put(ReasonCodes.MISSING_CUSTOMER_ID, col("customer_id").isNull());
        rules.put(ReasonCodes.INVALID_CUSTOMER_ID, SourceColumns.invalidId(col("customer_id")));
        rules.put(ReasonCodes.MISSING_TS, col("_missing_ts"));
        rules.put(ReasonCodes.UNPARSABLE_TS, col("_missing_ts").unary_$bang().and(col("ts").isNull()));
        rules.put(ReasonCodes.UNPARSABLE_QUANTITY, col("_bad_quantity"));
        rules.put(ReasonCodes.UNPARSABLE_UNIT_PRICE, col("_bad_unit_price"));
        rules.put(ReasonCodes.UNPARSABLE_AMOUNT, col("_bad_amount"));
        rules.put(ReasonCodes.UNPARSABLE_DISCOUNT, col("_bad_discount"));
        rules.put(ReasonCodes.MISSING_AMOUNT, col("_missing_amount"));
        rules.put(ReasonCodes.NON_FINITE_VALUE, col("_non_finite"));
        rules.put(ReasonCodes.VALUE_OUT_OF_RANGE, col("_out_of_range"));
        Column finiteQuantity = SourceColumns.nonFinite(col("quantity")).unary_$bang();
        rules.put(ReasonCodes.IMPLAUSIBLE_QUANTITY, finiteQuantity.and(abs(col("quantity")).gt(config.maxQuantity())));
        rules.put(ReasonCodes.IMPLAUSIBLE_AMOUNT,
                abs(col("amount")).gt(config.maxAmount()).or(abs(col("unit_price")).gt(config.maxAmount())));
        rules.put(ReasonCodes.ZERO_QUANTITY, col("quantity").equalTo(0));
        rules.put(ReasonCodes.NEGATIVE_PRICE, col("unit_price").lt(0));
        Column notReturn = col("amount").gt(0);
        if (config.returnMarkerRequired()) {
            notReturn = notReturn.or(col("_cancellation_marker").unary_$bang());
        }
        rules.put(ReasonCodes.NEGATIVE_QUANTITY_NOT_RETURN, negativeQuantity.and(notReturn));
        rules.put(ReasonCodes.NEGATIVE_AMOUNT_NOT_RETURN,
                col("amount").lt(0).and(col("quantity").gt(0)).and(col("_cancellation_marker").unary_$bang())
                        .and(coalesce(col("unit_price").geq(0), lit(true))));
        rules.put(ReasonCodes.INCONSISTENT_RETURN,
                col("_cancellation_marker").and(col("quantity").gt(0)).and(col("amount").gt(0)));
        rules.put(ReasonCodes.FUTURE_DATE,
                col("purchase_date").gt(lit(Date.valueOf(referenceDate.plusDays(config.futureToleranceDays())))));
        if (config.historyStart() != null) {
            rules.put(ReasonCodes.BEFORE_HISTORY_START, col("purchase_date").lt(lit(Date.valueOf(config.historyStart()))));
        }
        if (config.zeroValuePolicy() == IngestConfig.ZeroValuePolicy.QUARANTINE) {
            rules.put(ReasonCodes.ZERO_VALUE, col("amount").equalTo(0));
        }
        rules.put(ReasonCodes.DUPLICATE_LINE, col(ValidatedRows.OCCURRENCE).gt(1));

        Column isReturn = negativeQuantity.or(col("_cancellation_marker"));
        String sourceFile = input.sourceFile();
        UnaryOperator<Dataset<Row>> acceptedColumns = accepted -> accepted.select(
                col(ValidatedRows.LINE_HASH).as("line_id"),
                col("transaction_id"), col("customer_id"), col("ts"), col("purchase_date"), col("product_id"),
                col("category"), col("quantity"), col("unit_price"), col("discount"), col("amount"), col("channel"),
                col("store_id"), col("offer_id"),
                isReturn.as("is_return"),
                col("amount").equalTo(0).as("is_zero_value"),
                lit(sourceFile).as("source_file"),
                lit(runId).as("run_id"),
                lit(Timestamp.from(now)).as("ingested_at"));
        Map<String, Column> measures = new LinkedHashMap<>();
        measures.put("returns", isReturn);
        measures.put("zero_value_lines", col("amount").equalTo(0));
        return ValidatedRows.of(typed, rules, acceptedColumns, measures, input, SourceEntity.TRANSACTIONS, runId, now);
    }

    /** Fills a missing line category from the product table. */
    public static Dataset<Row> withCatalogueCategory(Dataset<Row> transactions, Dataset<Row> products) {
        Dataset<Row> catalogue = products.select(col("product_id").as("_catalogue_product"), col("category").as("_catalogue_category"));
        return transactions.join(catalogue, transactions.col("product_id").equalTo(catalogue.col("_catalogue_product")), "left")
                .withColumn("category", coalesce(col("category"), col("_catalogue_category")))
                .drop("_catalogue_product", "_catalogue_category");
    }
}
