package dev.onetoone.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import java.sql.Timestamp;
import java.time.Instant;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.io.Tables;

/**
 * Placeholder master records for customers and products that appear in transactions but not in master data. The
 * transactions are kept; the placeholders carry {@code is_known = false} and no consent, so no offer goes to a
 * customer whose consent is unknown.
 */
public final class UnknownMasterData {
    private UnknownMasterData() {
    }

    public static Dataset<Row> missingCustomers(Dataset<Row> transactions, Dataset<Row> customers, String runId, Instant now) {
        Dataset<Row> known = customers.select(col("customer_id"));
        return transactions.groupBy("customer_id").agg(min("source_file").as("source_file"))
                .join(known, "customer_id", "left_anti")
                .select(col("customer_id"),
                        lit(null).cast(DataTypes.DateType).as("signup_date"),
                        lit(null).cast(DataTypes.StringType).as("country"),
                        lit(null).cast(DataTypes.DateType).as("birth_date"),
                        lit(false).as("consent_email"), lit(false).as("consent_sms"), lit(false).as("consent_push"),
                        lit(false).as("opt_out"),
                        lit(false).as("is_known"),
                        col("source_file"),
                        lit(runId).as("run_id"),
                        lit(Timestamp.from(now)).as("updated_at"));
    }

    public static Dataset<Row> missingProducts(Dataset<Row> transactions, Dataset<Row> products, String runId, Instant now) {
        Dataset<Row> known = products.select(col("product_id"));
        return transactions.where(col("product_id").isNotNull())
                .groupBy("product_id").agg(min("category").as("category"), min("source_file").as("source_file"))
                .join(known, "product_id", "left_anti")
                .select(col("product_id"),
                        lit(null).cast(DataTypes.StringType).as("name"),
                        col("category"),
                        lit(null).cast(Tables.UNIT_PRICE).as("price"),
                        lit(null).cast(Tables.UNIT_PRICE).as("unit_cost"),
                        lit(false).as("replenishable"),
                        lit(false).as("is_known"),
                        col("source_file"),
                        lit(runId).as("run_id"),
                        lit(Timestamp.from(now)).as("updated_at"));
    }
}
