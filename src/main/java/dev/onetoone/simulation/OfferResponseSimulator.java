package dev.onetoone.simulation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.generate.ProductCategory;
import dev.onetoone.generate.RandomDistributions;
import dev.onetoone.generate.SyntheticDataGenerator;
import dev.onetoone.offers.OfferGroup;

/**
 * Simulates how the customers of a generated sample respond to an offers table, with each customer's latent truth
 * and the {@link TrueResponse}, and writes the resulting purchases as a transactions file in the generator's format
 * that {@code ingest} and {@code nightly --input} read.
 *
 * <p>Every offer row is one independent trial. Its validity window opens on {@code valid_from} and lasts
 * {@code V = valid_to - valid_from + 1} days. The target share is the customer's smoothed share of baskets that
 * contained the target in the sample's history, {@code (baskets with target + K * population share) / (baskets + K)}
 * with {@code K = } {@link #SHARE_PRIOR_BASKETS} (1 for basket offers). A replenishable product the customer bought
 * before follows the generator's replenishment rule: it is due {@code replenishment_cycle_days x} the category's
 * cycle factor after its last purchase before the window, and from then on a basket contains it with probability
 * {@code 0.8 + 0.2 x share} (the generator puts a due product into the next basket with probability 0.8); the
 * target share of the window is the day-weighted mean of the two, which is exact for the thinned Poisson process
 * (and an approximation under Pareto/NBD dropout). p_without and p_with follow
 * {@link TrueResponse}. Treatment and explore rows buy with p_with, control and holdout rows with p_without. A
 * purchase is one basket on a uniform day of the window: the target line (the product, or a uniform product of the
 * category) and filler lines of uniform catalogue products up to a Gamma(p, nu) basket value from the customer's
 * spend truth, rounded at the last line as the generator does. A treated purchase redeems the offer: offer_id on the
 * target line (on every line for basket offers) and the discount taken off it; bonus points and recognition carry
 * the offer_id without a discount.
 *
 * <p>The basket and the uniform deciding the purchase are drawn for every row whatever its group (common random
 * numbers), so the simulator can report the true expected incremental margin of each row,
 * {@code p_with * (margin - discount) - p_without * margin} at product cost, next to what happened. Deterministic for
 * a seed: each row draws from a stream seeded by the seed and its offer_id.
 */
public final class OfferResponseSimulator {
    /** Prior weight, in baskets, of the population share in a customer's target share. */
    public static final double SHARE_PRIOR_BASKETS = 5.0;
    /** Most lines in one simulated basket. */
    static final int MAX_LINES = 30;
    private static final long STREAM_RESPONSE = 5L;
    private static final Set<String> GROUPS = Arrays.stream(OfferGroup.values()).map(OfferGroup::value).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> FORMS = Set.of("percent_off", "amount_off", "bonus_points", "recognition");
    private static final Set<String> KINDS = Set.of("product", "category", "basket");

    private static final StructType TRUTH_SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("first_purchase_ts", DataTypes.TimestampType)
            .add("observation_weeks", DataTypes.DoubleType)
            .add("purchase_rate_per_week", DataTypes.DoubleType)
            .add("dropout_probability", DataTypes.DoubleType)
            .add("dropout_rate", DataTypes.DoubleType)
            .add("dropout_time", DataTypes.TimestampType)
            .add("alive_at_end", DataTypes.BooleanType)
            .add("spend_scale_nu", DataTypes.DoubleType)
            .add("expected_spend_per_purchase", DataTypes.DoubleType)
            .add("promo_sensitivity", DataTypes.DoubleType)
            .add("preferred_channel", DataTypes.StringType)
            .add("preferred_store", DataTypes.StringType)
            .add("replenishment_cycle_days", DataTypes.DoubleType)
            .add("purchase_events", DataTypes.IntegerType);

    private static final String[] LINE_COLUMNS = SyntheticDataGenerator.TRANSACTIONS_HEADER.split(",");

    /** One row per offer: the probabilities, what happened, the truth, and the transaction lines written. */
    static final StructType OUTCOME_SCHEMA = new StructType()
            .add("offer_id", DataTypes.StringType, false)
            .add("campaign_id", DataTypes.StringType, false)
            .add("offer_group", DataTypes.StringType, false)
            .add("p_purchase_without_offer", DataTypes.DoubleType, false)
            .add("p_purchase_with_offer", DataTypes.DoubleType, false)
            .add("purchased", DataTypes.BooleanType, false)
            .add("basket_margin", DataTypes.DoubleType, false)
            .add("discount", DataTypes.DoubleType, false)
            .add("true_expected_incremental_margin", DataTypes.DoubleType, false)
            .add("lines", DataTypes.createArrayType(lineSchema(), false), false);

    private final SparkSession spark;
    private final long seed;
    private final double elasticity;

    /** A simulator with the {@link TrueResponse#DEFAULT_ELASTICITY default elasticity}. */
    public OfferResponseSimulator(SparkSession spark, long seed) {
        this(spark, seed, TrueResponse.DEFAULT_ELASTICITY);
    }

    /**
     * @param elasticity the simulated customers' logit shift per unit of promo sensitivity times discount fraction
     *                   (finite, at least 0)
     */
    public OfferResponseSimulator(SparkSession spark, long seed, double elasticity) {
        if (!(elasticity >= 0) || Double.isInfinite(elasticity)) {
            throw new IllegalArgumentException("elasticity must be a finite number of at least 0, got " + elasticity);
        }
        this.spark = spark;
        this.seed = seed;
        this.elasticity = elasticity;
    }

    /**
     * Simulates the responses to {@code offers} (rows of the offers table) by the customers of the generated sample in
     * {@code sampleDirectory}, writes {@code transactions.csv} (a directory of CSV parts with the generator's header)
     * and {@code response_summary.json} into {@code outDirectory}, and returns the summary.
     */
    public ResponseSummary simulate(Dataset<Row> offers, Path sampleDirectory, Path outDirectory) throws IOException {
        Dataset<Row> outcomes = outcomes(offers, sampleDirectory).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Files.createDirectories(outDirectory);
            Dataset<Row> lines = outcomes.select(explode(col("lines")).as("line")).select("line.*");
            lines.write().mode("overwrite").option("header", "true").option("emptyValue", "")
                    .csv(outDirectory.resolve("transactions.csv").toString());
            ResponseSummary summary = summarise(outcomes);
            Files.writeString(outDirectory.resolve("response_summary.json"), summary.toJson(elasticity), StandardCharsets.UTF_8);
            return summary;
        } finally {
            outcomes.unpersist();
        }
    }

    /** The per-offer outcomes (see {@link #OUTCOME_SCHEMA}) without writing anything. */
    public Dataset<Row> outcomes(Dataset<Row> offers, Path sampleDirectory) throws IOException {
        validate(offers);
        ResponseCatalogue catalogue = ResponseCatalogue.read(requireFile(sampleDirectory.resolve("products.csv")));
        Dataset<Row> truth = spark.read().option("header", "true").option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
                .option("mode", "FAILFAST").schema(TRUTH_SCHEMA)
                .csv(requireFile(sampleDirectory.resolve("truth").resolve("customer_truth.csv")).toString());
        Dataset<Row> history = historyLines(sampleDirectory);

        Dataset<Row> withTruth = offers.join(truth.select(col("customer_id"), lit(true).as("has_truth"), col("first_purchase_ts"),
                        col("purchase_rate_per_week"), col("dropout_rate"), col("dropout_time"), col("spend_scale_nu"),
                        col("expected_spend_per_purchase"), col("promo_sensitivity"), col("preferred_channel"), col("preferred_store"),
                        col("replenishment_cycle_days")),
                using("customer_id"), "left")
                .withColumn("has_truth", coalesce(col("has_truth"), lit(false)));
        long withoutTruth = withTruth.where(col("has_truth").unary_$bang()).count();
        if (withoutTruth > 0) {
            throw new IllegalArgumentException(withoutTruth + " offer rows are for customers missing from "
                    + sampleDirectory.resolve("truth/customer_truth.csv")
                    + ": simulate responses with the sample the warehouse was loaded from");
        }
        Dataset<Row> joined = withShares(withTruth, history)
                .withColumn("alive", col("first_purchase_ts").lt(col("valid_from").cast("timestamp"))
                        .and(col("dropout_time").isNull().or(col("dropout_time").geq(col("valid_from").cast("timestamp")))));
        return joined.mapPartitions(new Simulation(catalogue, seed, elasticity), Encoders.row(OUTCOME_SCHEMA));
    }

    /** Rejects offer rows the simulator cannot interpret, naming the column and the values; one pass when all is well. */
    private static void validate(Dataset<Row> offers) {
        Column badWindow = col("valid_from").isNull().or(col("valid_to").isNull()).or(col("valid_to").lt(col("valid_from")));
        Row bad = offers.agg(sum(when(unknown("offer_group", GROUPS), 1L).otherwise(0L)),
                sum(when(unknown("offer_form", FORMS), 1L).otherwise(0L)),
                sum(when(unknown("target_kind", KINDS), 1L).otherwise(0L)),
                sum(when(badWindow, 1L).otherwise(0L))).first();
        String[] columns = {"offer_group", "offer_form", "target_kind"};
        List<Set<String>> allowed = List.of(GROUPS, FORMS, KINDS);
        for (int index = 0; index < columns.length; index++) {
            if (!bad.isNullAt(index) && bad.getLong(index) > 0) {
                List<String> values = offers.where(unknown(columns[index], allowed.get(index))).select(col(columns[index]))
                        .distinct().limit(5).collectAsList().stream().map(row -> String.valueOf(row.get(0))).toList();
                throw new IllegalArgumentException("offers column " + columns[index] + " has unknown values " + values
                        + "; expected one of " + allowed.get(index).stream().sorted().toList());
            }
        }
        if (!bad.isNullAt(3) && bad.getLong(3) > 0) {
            throw new IllegalArgumentException(bad.getLong(3) + " offer rows have no validity window or valid_to before valid_from");
        }
    }

    private static Column unknown(String column, Set<String> allowed) {
        return col(column).isNull().or(col(column).isin(allowed.toArray()).unary_$bang());
    }

    private Dataset<Row> historyLines(Path sampleDirectory) {
        Path plain = sampleDirectory.resolve("transactions.csv");
        Path gzip = sampleDirectory.resolve("transactions.csv.gz");
        Path file = Files.exists(plain) ? plain : gzip;
        requireFile(file);
        return spark.read().option("header", "true").csv(file.toString())
                .where(col("quantity").cast("double").gt(0))
                .select(col("transaction_id"), col("customer_id"), col("product_id"), col("category"),
                        to_date(col("ts")).as("purchase_date"));
    }

    /**
     * Adds target_share: the customer's smoothed share of baskets containing the target product or category, 1 for
     * basket offers.
     */
    private Dataset<Row> withShares(Dataset<Row> offers, Dataset<Row> history) {
        Dataset<Row> customerBaskets = history.groupBy("customer_id").agg(count_distinct(col("transaction_id")).as("customer_baskets"));
        long totalBaskets = Math.max(1L, history.select("transaction_id").distinct().count());
        Dataset<Row> productShare = history.groupBy("product_id")
                .agg(count_distinct(col("transaction_id")).divide(totalBaskets).as("population_product_share"));
        Dataset<Row> categoryShare = history.groupBy("category")
                .agg(count_distinct(col("transaction_id")).divide(totalBaskets).as("population_category_share"));
        Dataset<Row> customerProduct = history.groupBy("customer_id", "product_id")
                .agg(count_distinct(col("transaction_id")).as("product_baskets"));
        Dataset<Row> customerCategory = history.groupBy("customer_id", "category")
                .agg(count_distinct(col("transaction_id")).as("category_baskets"));

        Dataset<Row> rows = offers
                .join(customerBaskets, using("customer_id"), "left")
                .join(productShare.withColumnRenamed("product_id", "target_product_id"), using("target_product_id"), "left")
                .join(categoryShare.withColumnRenamed("category", "target_category"), using("target_category"), "left")
                .join(customerProduct.withColumnRenamed("product_id", "target_product_id"), using("customer_id", "target_product_id"), "left")
                .join(customerCategory.withColumnRenamed("category", "target_category"), using("customer_id", "target_category"), "left");
        Column baskets = coalesce(col("customer_baskets"), lit(0L)).cast("double");
        Column productShareSmoothed = coalesce(col("product_baskets"), lit(0L)).cast("double")
                .plus(coalesce(col("population_product_share"), lit(0.0)).multiply(SHARE_PRIOR_BASKETS))
                .divide(baskets.plus(SHARE_PRIOR_BASKETS));
        Column categoryShareSmoothed = coalesce(col("category_baskets"), lit(0L)).cast("double")
                .plus(coalesce(col("population_category_share"), lit(0.0)).multiply(SHARE_PRIOR_BASKETS))
                .divide(baskets.plus(SHARE_PRIOR_BASKETS));
        return withDueProducts(rows, history, productShareSmoothed)
                .withColumn("target_share", when(col("target_kind").equalTo("basket"), lit(1.0))
                        .when(col("target_kind").equalTo("product"), col("product_target_share"))
                        .otherwise(categoryShareSmoothed));
    }

    /**
     * Adds product_target_share: the share of a product target over the window, raised from {@code base} to
     * {@code 0.8 + 0.2 x base} on the days a replenishable product the customer bought before is due (see the class
     * comment).
     */
    private Dataset<Row> withDueProducts(Dataset<Row> rows, Dataset<Row> history, Column base) {
        List<Row> factors = new ArrayList<>();
        for (ProductCategory category : ProductCategory.values()) {
            if (category.replenishable()) {
                factors.add(RowFactory.create(category.label(), category.cycleFactor()));
            }
        }
        Dataset<Row> cycleFactors = spark.createDataFrame(factors, new StructType()
                .add("due_category", DataTypes.StringType).add("cycle_factor", DataTypes.DoubleType));
        Dataset<Row> targets = rows.where(col("target_kind").equalTo("product"))
                .select(col("offer_id").as("due_offer_id"), col("customer_id").as("due_customer_id"),
                        col("target_product_id").as("due_product_id"), col("valid_from").as("due_valid_from"));
        Dataset<Row> lastBought = targets.join(history, col("due_customer_id").equalTo(col("customer_id"))
                        .and(col("due_product_id").equalTo(col("product_id")))
                        .and(col("purchase_date").lt(col("due_valid_from"))))
                .groupBy("due_offer_id").agg(max(col("purchase_date")).as("last_bought"), max(col("category")).as("due_category"))
                .join(org.apache.spark.sql.functions.broadcast(cycleFactors), "due_category");
        Column days = date_diff(col("valid_to"), col("valid_from")).plus(1).cast("double");
        Column dueIn = date_diff(col("last_bought"), col("valid_from")).cast("double")
                .plus(col("replenishment_cycle_days").multiply(col("cycle_factor")));
        Column dueDays = greatest(lit(0.0), least(days, days.minus(greatest(lit(0.0), dueIn))));
        Column dueShare = lit(SyntheticDataGenerator.REPLENISH_WHEN_DUE_PROBABILITY)
                .plus(lit(1 - SyntheticDataGenerator.REPLENISH_WHEN_DUE_PROBABILITY).multiply(base));
        return rows.join(lastBought, rows.col("offer_id").equalTo(lastBought.col("due_offer_id")), "left")
                .withColumn("product_target_share", when(col("last_bought").isNull(), base)
                        .otherwise(base.multiply(days.minus(dueDays)).plus(dueShare.multiply(dueDays)).divide(days)))
                .drop("due_offer_id", "last_bought", "due_category", "cycle_factor");
    }

    private static scala.collection.immutable.Seq<String> using(String... columns) {
        return scala.jdk.javaapi.CollectionConverters.asScala(List.of(columns)).toList();
    }

    private static Path requireFile(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("generated sample file not found: " + file);
        }
        return file;
    }

    /** Per campaign and group: offers, purchases, expected purchases, true expected incremental margin, discount given. */
    public static ResponseSummary summarise(Dataset<Row> outcomes) {
        List<Row> rows = outcomes.groupBy("campaign_id", "offer_group")
                .agg(count(lit(1)).as("offers"),
                        sum(when(col("purchased"), 1L).otherwise(0L)).as("purchases"),
                        sum(when(OfferGroup.isSent(col("offer_group")), col("p_purchase_with_offer"))
                                .otherwise(col("p_purchase_without_offer"))).as("expected_purchases"),
                        sum(col("true_expected_incremental_margin")).as("true_expected_incremental_margin"),
                        sum(when(col("purchased"), col("discount")).otherwise(0.0)).as("discount_given"))
                .orderBy("campaign_id", "offer_group").collectAsList();
        List<ResponseSummary.GroupTruth> groups = new ArrayList<>();
        for (Row row : rows) {
            groups.add(new ResponseSummary.GroupTruth(row.getString(0), row.getString(1), row.getLong(2), row.getLong(3),
                    row.getDouble(4), row.getDouble(5), row.getDouble(6)));
        }
        return new ResponseSummary(groups);
    }

    private static StructType lineSchema() {
        List<StructField> fields = new ArrayList<>();
        for (String column : LINE_COLUMNS) {
            fields.add(DataTypes.createStructField(column, DataTypes.StringType, true));
        }
        return new StructType(fields.toArray(StructField[]::new));
    }

    /** FNV-1a over the characters of a string: a stable 64-bit key for seeding a row's random stream. */
    static long stableHash(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int index = 0; index < text.length(); index++) {
            hash ^= text.charAt(index);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** The per-row simulation, run on the executors. */
    private static final class Simulation implements MapPartitionsFunction<Row, Row>, Serializable {
        private static final long serialVersionUID = 1L;
        private final ResponseCatalogue catalogue;
        private final long seed;
        private final double elasticity;

        Simulation(ResponseCatalogue catalogue, long seed, double elasticity) {
            this.catalogue = catalogue;
            this.seed = seed;
            this.elasticity = elasticity;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    return simulate(rows.next());
                }
            };
        }

        private Row simulate(Row offer) {
            String offerId = offer.getAs("offer_id");
            String customerId = offer.getAs("customer_id");
            String group = offer.getAs("offer_group");
            String form = offer.getAs("offer_form");
            String kind = offer.getAs("target_kind");
            boolean treated = OfferGroup.fromValue(group).sent();
            LocalDate validFrom = offer.<java.sql.Date>getAs("valid_from").toLocalDate();
            int validDays = (int) (offer.<java.sql.Date>getAs("valid_to").toLocalDate().toEpochDay() - validFrom.toEpochDay() + 1);
            SplittableRandom random = new SplittableRandom(SyntheticDataGenerator.derivedSeed(seed, STREAM_RESPONSE, stableHash(offerId)));

            int target = targetProduct(offer, kind, random);
            double nu = offer.<Double>getAs("spend_scale_nu");
            double expectedSpend = offer.<Double>getAs("expected_spend_per_purchase");
            double referencePrice = switch (kind) {
                case "product" -> catalogue.item(target).priceCents() / 100.0;
                case "category" -> catalogue.meanPrice(offer.getAs("target_category"));
                default -> expectedSpend;
            };
            double discountPercent = offer.getAs("discount_percent") == null ? 0.0 : offer.<Double>getAs("discount_percent");
            double discountAmount = offer.getAs("discount_amount") == null ? 0.0 : ((java.math.BigDecimal) offer.getAs("discount_amount")).doubleValue();
            long points = offer.getAs("bonus_points") == null ? 0L : offer.<Long>getAs("bonus_points");
            double fraction = TrueResponse.discountFraction(form, discountPercent, discountAmount, points, referencePrice);
            Double dropoutRate = offer.getAs("dropout_rate");
            double pWithout = TrueResponse.probabilityWithout(offer.<Boolean>getAs("alive"), offer.<Double>getAs("purchase_rate_per_week"),
                    dropoutRate == null ? 0.0 : dropoutRate, offer.<Double>getAs("target_share"), validDays);
            double pWith = TrueResponse.probabilityWith(pWithout, TrueResponse.logitShift(form, elasticity, offer.<Double>getAs("promo_sensitivity"), fraction));

            // Draws in a fixed order, whatever the group: the decision uniform, the day and time, the basket.
            double decision = random.nextDouble();
            LocalDate day = validFrom.plusDays(random.nextInt(validDays));
            int secondOfDay = 10 * 3600 + random.nextInt(10 * 3600);
            double basketValue = RandomDistributions.gamma(random, expectedSpend * nu, nu);
            List<Integer> products = basket(target, basketValue, random);

            long[] discounts = discounts(products, kind, form, discountPercent, discountAmount);
            long marginCents = 0;
            long discountCents = 0;
            for (int index = 0; index < products.size(); index++) {
                var item = catalogue.item(products.get(index));
                marginCents += item.priceCents() - item.costCents();
                discountCents += discounts[index];
            }
            double margin = marginCents / 100.0;
            double discount = discountCents / 100.0;
            double trueIncrement = pWith * (margin - discount) - pWithout * margin;
            boolean purchased = decision < (treated ? pWith : pWithout);

            List<Row> lines = new ArrayList<>();
            if (purchased) {
                String transactionId = "O" + Long.toHexString(stableHash(offerId) & Long.MAX_VALUE);
                String ts = day + " " + twoDigits(secondOfDay / 3600) + ":" + twoDigits(secondOfDay / 60 % 60) + ":" + twoDigits(secondOfDay % 60);
                String channel = offer.getAs("preferred_channel");
                String store = "store".equals(channel) ? offer.getAs("preferred_store") : "";
                for (int index = 0; index < products.size(); index++) {
                    var item = catalogue.item(products.get(index));
                    long lineDiscount = treated ? discounts[index] : 0L;
                    boolean redeems = treated && (index == 0 || kind.equals("basket"));
                    lines.add(RowFactory.create(transactionId, customerId, ts, item.id(), item.category(), "1",
                            money(item.priceCents()), money(lineDiscount), money(item.priceCents() - lineDiscount),
                            channel, store, redeems ? offerId : ""));
                }
            }
            return RowFactory.create(offerId, offer.getAs("campaign_id"), group, pWithout, pWith, purchased, margin, discount,
                    trueIncrement, lines.toArray());
        }

        /** The target product's index: the product itself, a uniform product of the category, or -1 for baskets. */
        private int targetProduct(Row offer, String kind, SplittableRandom random) {
            if (kind.equals("product")) {
                int index = catalogue.indexOf(offer.getAs("target_product_id"));
                if (index < 0) {
                    throw new IllegalArgumentException("offer " + offer.getAs("offer_id") + " targets product "
                            + offer.getAs("target_product_id") + ", which is not in the sample's products.csv");
                }
                return index;
            }
            if (kind.equals("category")) {
                int[] members = catalogue.inCategory(offer.getAs("target_category"));
                if (members.length == 0) {
                    throw new IllegalArgumentException("offer " + offer.getAs("offer_id") + " targets category "
                            + offer.getAs("target_category") + ", which has no product in the sample's products.csv");
                }
                return members[random.nextInt(members.length)];
            }
            return -1;
        }

        /**
         * The basket's products: the target first (if any), then uniform distinct products while they fit under the
         * basket value; the line that would cross it is kept with probability remaining / price, so the expected
         * total is the basket value, as in the generator. A basket has at least one line.
         */
        private List<Integer> basket(int target, double basketValue, SplittableRandom random) {
            long valueCents = Math.max(1L, Math.round(basketValue * 100.0));
            List<Integer> products = new ArrayList<>();
            long total = 0;
            if (target >= 0) {
                products.add(target);
                total += catalogue.item(target).priceCents();
            }
            for (int attempt = 0; total < valueCents && products.size() < MAX_LINES && attempt < 4 * MAX_LINES; attempt++) {
                int candidate = random.nextInt(catalogue.size());
                if (products.contains(candidate)) {
                    continue;
                }
                long price = catalogue.item(candidate).priceCents();
                if (total + price > valueCents && !products.isEmpty()) {
                    if (random.nextDouble() * price < valueCents - total) {
                        products.add(candidate);
                    }
                    break;
                }
                products.add(candidate);
                total += price;
            }
            return products;
        }

        /** Discount in cents per line if the offer is redeemed: on the target line, or across the basket. */
        private long[] discounts(List<Integer> products, String kind, String form, double percent, double amount) {
            long[] discounts = new long[products.size()];
            if (!form.equals("percent_off") && !form.equals("amount_off")) {
                return discounts;
            }
            int lines = kind.equals("basket") ? products.size() : 1;
            long amountLeft = Math.round(amount * 100.0);
            for (int index = 0; index < lines; index++) {
                long price = catalogue.item(products.get(index)).priceCents();
                if (form.equals("percent_off")) {
                    discounts[index] = Math.min(price, Math.round(price * percent / 100.0));
                } else {
                    discounts[index] = Math.min(price, amountLeft);
                    amountLeft -= discounts[index];
                }
            }
            return discounts;
        }

        private static String money(long cents) {
            StringBuilder text = new StringBuilder();
            SyntheticDataGenerator.appendCents(text, cents);
            return text.toString();
        }

        private static String twoDigits(int value) {
            return value < 10 ? "0" + value : Integer.toString(value);
        }
    }
}
