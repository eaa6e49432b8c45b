package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.onetoone.config.ConfigLoader;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.loyalty.LoyaltyConfig;

/**
 * customer_model's loyalty columns from the night's points_balance: loyalty_tier (the member's tier), loyalty_vip
 * (the tier is the programme's VIP tier; false for a customer who is not a member) and points_available. Without
 * balances for the date (the loyalty step has not run for it) the three are null.
 *
 * <p>The nightly run writes them once: loyalty runs before the model stage, which adds them to the rows it writes.
 * The loyalty command run on its own after the model stage fills them into the rows already written.
 */
final class LoyaltyColumns {
    static final String[] COLUMNS = {"loyalty_tier", "loyalty_vip", "points_available"};

    private LoyaltyColumns() {
    }

    /**
     * @param models   customer_model rows (with or without the loyalty columns)
     * @param balances points_balance rows of the night, if the loyalty step has run for it
     * @param vipTier  the programme's VIP tier (tier.vip)
     */
    static Dataset<Row> fill(Dataset<Row> models, Optional<Dataset<Row>> balances, String vipTier) {
        Dataset<Row> base = models.drop(COLUMNS);
        if (balances.isEmpty()) {
            return Warehouse.withNullColumns(Tables.CUSTOMER_MODEL, base, List.of(COLUMNS));
        }
        Dataset<Row> loyalty = balances.get().select(col("customer_id"), col("tier").as("loyalty_tier"), col("available").as("points_available"));
        return base.join(loyalty, new String[] {"customer_id"}, "left")
                .withColumn("loyalty_vip", coalesce(col("loyalty_tier").equalTo(vipTier), lit(false)));
    }

    /**
     * The model stage's view: the balances points_balance holds for {@code asOf}, with the VIP tier of the loyalty
     * file; null columns when the loyalty step has not run for that date.
     */
    static Dataset<Row> fromWarehouse(RunContext context, Dataset<Row> models, LocalDate asOf) {
        Warehouse warehouse = context.warehouse();
        Optional<Dataset<Row>> balances = Optional.empty();
        String vipTier = null;
        if (warehouse.exists(Tables.POINTS_BALANCE)) {
            Dataset<Row> tonight = warehouse.read(Tables.POINTS_BALANCE).where(col("as_of").equalTo(lit(Date.valueOf(asOf))));
            if (!tonight.isEmpty()) {
                balances = Optional.of(tonight);
                vipTier = LoyaltyConfig.load(ConfigLoader.resolveFile(context.config().loyaltyFile())).vipTier();
            }
        }
        return fill(models, balances, vipTier);
    }
}
