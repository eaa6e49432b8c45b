package dev.onetoone.affinity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Buy-again: the probability that a customer buys one of their own products again within the horizon, from how
 * often they buy it and where they are in their cycle for it.
 *
 * <p>For a customer with {@code N} purchase days since their first, {@code T} days ago, and a product they bought on
 * {@code n} of those days, the last {@code s} days before the as-of date:
 * <ul>
 * <li><b>Rate</b>: the product's purchase days per day as a customer, {@code n / T}, with both counted with time
 * decay (half-life {@code affinity.half-life-days}): each purchase day {@code d} days ago counts
 * {@code 0.5^(d / half-life)}, and the exposure is {@code sum_{d=0}^{T-1} 0.5^(d / half-life)}. Recent habits weigh
 * more than old ones; without decay this is the plain {@code n / T}. Expected purchases in {@code H} days are
 * {@code H} times the rate.</li>
 * <li><b>Cycle</b>: the customer's own mean gap between purchases of the product, {@code g = (l - f) / (n - 1)},
 * shrunk towards the product's population gap {@code g_j} (gap days over gaps of all its repeat buyers; the
 * category's for products nobody repeated, the overall gap when the category has none) with weight
 * {@code k = affinity.cycle-prior-gaps}: {@code cycle = ((n - 1) g + k g_j) / (n - 1 + k)}, at least one day. The due
 * date is the last purchase plus the rounded cycle.</li>
 * <li><b>Timing</b>: gaps are taken as Weibull with shape 2 and mean {@code cycle} (scale {@code cycle / Gamma(1.5)},
 * coefficient of variation 0.52); the chance of buying within {@code H} days given no purchase for {@code s} days is
 * {@code p_due = 1 - exp((s/lambda)^2 - ((s+H)/lambda)^2)}. Its ratio to the memoryless chance over the same cycle,
 * {@code 1 - exp(-H / cycle)}, bounded to [0.8, 1.25], is the timing factor: a product coming due rises, one just bought
 * falls. Products bought on one day only, and products that are not replenishable (no cycle), get no timing factor
 * (1).</li>
 * </ul>
 * The score is {@code 1 - exp(-H * rate * timing)}, in [0, 1). Products that are not replenishable have no due date;
 * recently bought ones are excluded from the rankings by {@link ProductAffinity}.
 */
final class BuyAgainScorer {
    /** Gamma(1.5) = sqrt(pi) / 2: the Weibull(shape 2) scale is mean / Gamma(1 + 1/2). */
    static final double WEIBULL2_MEAN_FACTOR = 0.886226925452758;
    /** Bounds of the timing factor. */
    static final double MIN_TIMING = 0.8;
    static final double MAX_TIMING = 1.25;
    /** Gap in days assumed when no product in the data was ever bought twice. */
    static final double DEFAULT_CYCLE_DAYS = 30.0;

    private BuyAgainScorer() {
    }

    /**
     * One row per customer and product they bought: customer_id, product_id, category, replenishable,
     * purchase_days, last_purchase_date, cycle_days, due_date, buy_again_score.
     */
    static Dataset<Row> history(Dataset<Row> lines, LocalDate asOf, int horizonDays, double cyclePriorGaps, double halfLifeDays) {
        return history(lines, asOf, horizonDays, cyclePriorGaps, halfLifeDays, cycleSums(lines).localCheckpoint(true));
    }

    /**
     * The gap sums per product and category (product_id, category_key: the category or "", gaps, gap_days) of the
     * lines' customer-product pairs: a row per product, small. The product, category and overall cycles are summed
     * from them; gaps and gap days are whole numbers, so the sums equal those taken over the pairs directly.
     */
    static Dataset<Row> cycleSums(Dataset<Row> lines) {
        return pairs(lines).groupBy(col("product_id"), coalesce(col("category"), lit("")).as("category_key"))
                .agg(sum("gaps").as("gaps"), sum("gap_days").as("gap_days"));
    }

    /**
     * As above for the customers of {@code lines} only, with the product, category and overall cycles from
     * {@code sums} ({@link #cycleSums} of every customer's lines), so that scoring a subset of customers gives their
     * rows of the whole.
     */
    static Dataset<Row> history(Dataset<Row> lines, LocalDate asOf, int horizonDays, double cyclePriorGaps, double halfLifeDays,
            Dataset<Row> sums) {
        Column asOfDate = lit(Date.valueOf(asOf));
        Dataset<Row> customers = lines.groupBy("customer_id")
                .agg(greatest(lit(1), date_diff(asOfDate, min("purchase_date"))).cast(DataTypes.DoubleType).as("tenure_days"));
        Dataset<Row> pairs = pairs(lines);
        Dataset<Row> byProduct = sums.groupBy("product_id").agg(sum("gaps").as("product_gaps"), sum("gap_days").as("product_gap_days"));
        Dataset<Row> byCategory = sums.groupBy("category_key").agg(try_divide(sum("gap_days"), sum("gaps")).as("category_cycle"));
        Row overall = sums.agg(try_divide(sum("gap_days"), sum("gaps")).as("overall_cycle")).first();
        double overallCycle = overall.isNullAt(0) ? DEFAULT_CYCLE_DAYS : Math.max(1.0, overall.getDouble(0));

        Column productCycle = greatest(lit(1.0),
                coalesce(try_divide(col("product_gap_days"), col("product_gaps")), col("category_cycle"), lit(overallCycle)));
        Column k = lit(cyclePriorGaps);
        Column cycle = greatest(lit(1.0), col("gap_days").plus(k.multiply(col("product_cycle"))).divide(col("gaps").plus(k)));
        Column since = date_diff(asOfDate, col("last_purchase_date")).cast(DataTypes.DoubleType);
        Column scale = col("cycle_days").divide(WEIBULL2_MEAN_FACTOR);
        Column memoryless = lit(1.0).minus(exp(lit((double) -horizonDays).divide(col("cycle_days"))));
        Column due = lit(1.0).minus(exp(pow(since.divide(scale), 2).minus(pow(since.plus(horizonDays).divide(scale), 2))));
        Column timing = when(col("gaps").gt(0).and(col("replenishable")), least(lit(MAX_TIMING), greatest(lit(MIN_TIMING), try_divide(due, memoryless))))
                .otherwise(lit(1.0));
        // Decayed exposure: sum over the customer's days d = 0 .. T-1 of 0.5^(d / half-life).
        double dailyDecay = Math.pow(0.5, 1.0 / halfLifeDays);
        Column exposure = lit(1.0).minus(pow(lit(dailyDecay), col("tenure_days"))).divide(1.0 - dailyDecay);
        Column expected = col("decayed_days").multiply((double) horizonDays).divide(exposure);
        Column score = lit(1.0).minus(exp(expected.multiply(coalesce(timing, lit(1.0))).unary_$minus()));

        return pairs
                .join(customers, "customer_id")
                .join(broadcast(byProduct), "product_id")
                .join(broadcast(byCategory), coalesce(col("category"), lit("")).equalTo(col("category_key")), "left")
                .withColumn("product_cycle", productCycle)
                .withColumn("cycle_days", cycle)
                .select(col("customer_id"), col("product_id"), col("category"), col("replenishable"), col("purchase_days"),
                        col("last_purchase_date"),
                        col("cycle_days"),
                        when(col("replenishable"), date_add(col("last_purchase_date"), round(col("cycle_days")).cast(DataTypes.IntegerType)))
                                .as("due_date"),
                        least(lit(1.0), greatest(lit(0.0), score)).as("buy_again_score"));
    }

    /** Per customer and product: category, replenishable, purchase_days, decayed_days, first and last purchase, gaps, gap_days. */
    private static Dataset<Row> pairs(Dataset<Row> lines) {
        return lines.groupBy("customer_id", "product_id", "purchase_date")
                .agg(first("category", true).as("category"), first("replenishable").as("replenishable"), first("weight").as("weight"))
                .groupBy("customer_id", "product_id")
                .agg(first("category", true).as("category"), first("replenishable").as("replenishable"),
                        count(lit(1)).as("purchase_days"), sum("weight").as("decayed_days"),
                        min("purchase_date").as("first_purchase_date"), max("purchase_date").as("last_purchase_date"))
                .withColumn("gaps", col("purchase_days").minus(1).cast(DataTypes.DoubleType))
                .withColumn("gap_days", date_diff(col("last_purchase_date"), col("first_purchase_date")).cast(DataTypes.DoubleType));
    }
}
