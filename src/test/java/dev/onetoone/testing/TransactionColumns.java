package dev.onetoone.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_timestamp;

import java.util.Arrays;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

import dev.onetoone.io.Tables;

/** Completes inline test lines to the transactions table's columns, so tests write only the columns they are about. */
public final class TransactionColumns {
    private TransactionColumns() {
    }

    /**
     * Adds every column of {@code transactions} the lines lack: {@code ts} at noon of {@code purchase_date},
     * {@code channel} "store", {@code discount} 0, {@code quantity} 1, {@code is_zero_value} from the amount, and
     * null for the rest.
     */
    public static Dataset<Row> complete(Dataset<Row> lines) {
        var present = Arrays.asList(lines.columns());
        Dataset<Row> result = lines;
        for (StructField field : Tables.TRANSACTIONS.schema().fields()) {
            if (present.contains(field.name())) {
                continue;
            }
            result = switch (field.name()) {
                case "ts" -> result.withColumn("ts",
                        to_timestamp(concat(col("purchase_date").cast("string"), lit(" 12:00")), "yyyy-MM-dd HH:mm"));
                case "channel" -> result.withColumn("channel", lit("store"));
                case "discount" -> result.withColumn("discount", lit(0).cast(Tables.MONEY));
                case "quantity" -> result.withColumn("quantity", lit(1.0));
                case "is_zero_value" -> result.withColumn("is_zero_value", col("amount").equalTo(0));
                default -> result.withColumn(field.name(), lit(null).cast(field.dataType()));
            };
        }
        return result;
    }
}
