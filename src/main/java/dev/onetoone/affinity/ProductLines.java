package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The purchase lines the scorers learn from: purchases (not returns) with a product id, up to and including the
 * as-of date, with the product's category and replenishable flag from the product table (the line's own category
 * for products outside the catalogue, which are treated as replenishable so that a repeat is not ruled out) and a
 * basket key (the transaction id, or the customer and day when the source has none).
 */
public final class ProductLines {
    private ProductLines() {
    }

    /**
     * Columns: customer_id, product_id, category, replenishable, purchase_date, basket, age_days (as-of minus the
     * purchase day), weight (time decay 0.5^(age_days / halfLifeDays)), unit_price (null where the source has none).
     */
    static Dataset<Row> of(Dataset<Row> transactions, Dataset<Row> products, LocalDate asOf, double halfLifeDays) {
        Column asOfDate = lit(Date.valueOf(asOf));
        Dataset<Row> catalogue = products.select(col("product_id").as("catalogue_product_id"),
                col("category").as("catalogue_category"), replenishable(products).as("catalogue_replenishable"));
        return transactions
                .where(col("purchase_date").leq(asOfDate).and(col("is_return").equalTo(false)).and(col("product_id").isNotNull()))
                .join(broadcast(catalogue), col("product_id").equalTo(col("catalogue_product_id")), "left")
                .select(
                        col("customer_id"),
                        col("product_id"),
                        coalesce(col("catalogue_category"), col("category")).as("category"),
                        coalesce(col("catalogue_replenishable"), lit(true)).as("replenishable"),
                        col("purchase_date"),
                        coalesce(col("transaction_id"), concat_ws("|", col("customer_id"), col("purchase_date").cast("string")))
                                .as("basket"),
                        date_diff(asOfDate, col("purchase_date")).as("age_days"),
                        pow(lit(0.5), date_diff(asOfDate, col("purchase_date")).divide(halfLifeDays)).as("weight"),
                        (java.util.Arrays.asList(transactions.columns()).contains("unit_price")
                                ? col("unit_price").cast(org.apache.spark.sql.types.DataTypes.DoubleType)
                                : lit(null).cast(org.apache.spark.sql.types.DataTypes.DoubleType)).as("unit_price"));
    }

    /**
     * The catalogue's replenishable flag where the product is known; null (unknown) for a placeholder that ingest
     * created for a product seen only in transactions ({@code is_known = false}): its {@code false} is a default, not
     * a fact, and taken as one it would mark every product of a retailer without a product file as durable.
     */
    static Column replenishable(Dataset<Row> products) {
        return java.util.Arrays.asList(products.columns()).contains("is_known")
                ? when(col("is_known"), col("replenishable"))
                : col("replenishable");
    }

    /**
     * The transactions without the lines of {@code affinity.excluded-products} (postage, fees, discounts): these are
     * not products, and left in they would be every customer's most frequent "product".
     */
    public static Dataset<Row> withoutExcluded(Dataset<Row> transactions, java.util.List<String> excludedProducts) {
        if (excludedProducts.isEmpty()) {
            return transactions;
        }
        return transactions.where(col("product_id").isNull().or(col("product_id").isin(excludedProducts.toArray()).unary_$bang()));
    }

    /**
     * Time-decayed purchase days per customer and item (a product_id or category column of the lines): several lines
     * of one day count once, with that day's weight, summed in an order-free way ({@link Scores#orderFreeSum}).
     * Columns: customer_id, the item column, decayed_days.
     */
    static Dataset<Row> decayedDays(Dataset<Row> lines, String item) {
        return lines.groupBy(col("customer_id"), col(item), col("purchase_date")).agg(first("weight").as("weight"))
                .groupBy("customer_id", item).agg(Scores.orderFreeSum(col("weight")).as("decayed_days"));
    }
}
