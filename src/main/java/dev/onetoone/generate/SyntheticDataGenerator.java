package dev.onetoone.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a synthetic retail data set whose purchase timing, dropout and spend follow the
 * probability models OneToOne fits, with the latent per-customer truth written next to it.
 *
 * <p>Timing. Each customer has a first purchase ("birth") on a day drawn uniformly from the window,
 * so customers have different ages T. From birth, time runs in weeks: lambda ~ Gamma(r, alpha) and
 * purchases are Poisson(lambda) while alive. Death follows {@link GeneratorConfig#process()}:
 * BG/NBD (Fader, Hardie &amp; Lee 2005) tosses a Beta(a, b) coin p after each repeat purchase,
 * MBG/NBD (Batislam et al. 2007) also after the first purchase, and Pareto/NBD (Schmittlein,
 * Morrison &amp; Colombo 1987) ends an Exponential(mu) lifetime with mu ~ Gamma(s, beta). The number
 * of purchase events and their order are exactly those of the process. The time of day of every
 * event is drawn from the customer's preferred hour, and repeat purchases may move by at most one
 * day towards the customer's preferred weekdays (never before birth nor after the window); at weekly
 * resolution this jitter is far below the inter-purchase times the models estimate.
 *
 * <p>Spend. Gamma-Gamma (Fader, Hardie &amp; Lee 2005, "RFM and CLV", after Colombo &amp; Jiang
 * 1999): nu ~ Gamma(q, gamma) per customer and a target basket value z ~ Gamma(p, nu) per purchase.
 * Baskets are filled from the customer's preferences (due replenishments first, then category by a
 * personal Dirichlet share and product from a personal favourite set or by popularity). Lines are added
 * while they fit under z; the line that would cross z is kept with probability (z - total) / value, so
 * the expected basket total is z and the total is within one line value of it;
 * {@link GeneratorSummary#meanBasketAmount()} against
 * {@link GeneratorSummary#meanTargetSpend()} shows how close the realised spend is.
 *
 * <p>Determinism. Every customer draws from {@link SplittableRandom}s seeded by a hash of the master
 * seed, a stream number and the customer index: one stream for the latent truth and timing, one for
 * basket contents. Files are streamed customer by customer, rows sorted by time within a customer.
 *
 * <p>Hidden structure. {@link HiddenStructure} optionally adds latent taste to the choice of new products,
 * wholesale buyers and seasonal products. It draws from two further streams (products', customers') that are not
 * touched when it is off, and its draws from the basket stream happen only where it acts, so with it off the files
 * are byte-identical to a generator without it.
 */
public final class SyntheticDataGenerator {

    private static final Logger LOGGER = LoggerFactory.getLogger(SyntheticDataGenerator.class);

    public static final String TRANSACTIONS_HEADER =
            "transaction_id,customer_id,ts,product_id,category,quantity,unit_price,discount,amount,channel,store_id,offer_id";
    public static final String CUSTOMERS_HEADER =
            "customer_id,signup_date,country,birth_date,consent_email,consent_sms,consent_push,opt_out";
    public static final String PRODUCTS_HEADER = "product_id,name,category,price,unit_cost,replenishable";
    public static final String TRUTH_HEADER = "customer_id,first_purchase_ts,observation_weeks,purchase_rate_per_week,"
            + "dropout_probability,dropout_rate,dropout_time,alive_at_end,spend_scale_nu,expected_spend_per_purchase,"
            + "promo_sensitivity,preferred_channel,preferred_store,replenishment_cycle_days,purchase_events";

    static final String[] CHANNELS = {"store", "web", "app"};
    private static final ProductCategory[] CATEGORIES = ProductCategory.values();

    private static final long SECONDS_PER_DAY = 86_400L;
    private static final double SECONDS_PER_WEEK = 604_800.0;

    private static final long STREAM_CATALOGUE = 1L;
    private static final long STREAM_STORES = 2L;
    private static final long STREAM_LATENT = 3L;
    private static final long STREAM_BASKET = 4L;
    /** Streams of the hidden structure: read only when it is switched on, so the streams above never change. */
    private static final long STREAM_PRODUCT_STRUCTURE = 5L;
    private static final long STREAM_CUSTOMER_STRUCTURE = 6L;

    /** Truth of the hidden structure per customer, written only when it is switched on. */
    public static final String STRUCTURE_TRUTH_FILE = "truth/customer_structure.csv";
    private static final int MAX_SEASONAL_REDRAWS = 100;

    /** Dirichlet concentrations for store, web, app: small, so customers lean on one channel. */
    private static final double[] CHANNEL_CONCENTRATION = {1.0, 0.5, 0.4};
    /** Total Dirichlet concentration of category shares: small, so customers differ strongly. */
    private static final double CATEGORY_CONCENTRATION = 3.0;
    /** Population weekday profile Monday..Sunday and the concentration of the personal Dirichlet around it. */
    private static final double[] WEEKDAY_PROFILE = {0.13, 0.13, 0.14, 0.14, 0.17, 0.20, 0.09};
    private static final double WEEKDAY_CONCENTRATION = 8.0;
    /** Peaks of shopping hours a customer's preferred hour is drawn around. */
    private static final int[] HOUR_PEAKS = {10, 12, 17, 19};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "BE", "AT", "ES", "IT"};
    private static final double[] COUNTRY_CUMULATIVE = RandomDistributions.cumulative(
            new double[] {0.28, 0.20, 0.12, 0.08, 0.07, 0.13, 0.12});

    private static final double OPT_OUT_PROBABILITY = 0.03;
    private static final double MISSING_BIRTH_DATE_PROBABILITY = 0.30;
    private static final double PREFERRED_STORE_LOYALTY = 0.85;
    private static final double FAVOURITE_PROBABILITY = 0.70;
    /** Chance that a due replenishable product goes into the customer's next basket. */
    public static final double REPLENISH_WHEN_DUE_PROBABILITY = 0.80;
    private static final int MAX_CANDIDATES_PER_BASKET = 200;
    private static final int FIRST_LINE_CANDIDATES = 4;
    private static final int MAX_LINES_PER_BASKET = 60;
    private static final int MAX_RETURN_DELAY_DAYS = 20;

    private final GeneratorConfig config;

    public SyntheticDataGenerator(GeneratorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public GeneratorConfig config() {
        return config;
    }

    /** Number of physical stores for a customer count: about one per 125 customers, 5 to 200. */
    public static int storeCountFor(int customers) {
        return (int) Math.max(5L, Math.min(200L, Math.round(customers / 125.0)));
    }

    /**
     * Writes customers.csv, products.csv, transactions.csv (or .csv.gz), truth/customer_truth.csv and
     * manifest.json into {@code outDir}, creating it if needed and overwriting those files.
     */
    public GeneratorSummary generate(Path outDir) throws IOException {
        long startedNanos = System.nanoTime();
        Files.createDirectories(outDir.resolve("truth"));
        ProductCatalog catalogue = ProductCatalog.generate(ProductCatalog.productCountFor(config.customers()),
                new SplittableRandom(derivedSeed(config.seed(), STREAM_CATALOGUE, 0L)));
        int storeCount = storeCountFor(config.customers());
        double[] storeCumulative = storePopularity(storeCount,
                new SplittableRandom(derivedSeed(config.seed(), STREAM_STORES, 0L)));
        String transactionsFile = config.compressTransactions() ? "transactions.csv.gz" : "transactions.csv";
        HiddenStructure structure = config.structure();
        ProductStructure productStructure = structure.enabled()
                ? ProductStructure.draw(structure, catalogue.size(), config.start(), config.windowDays(),
                        new SplittableRandom(derivedSeed(config.seed(), STREAM_PRODUCT_STRUCTURE, 0L)))
                : null;
        List<String> files = structure.enabled()
                ? List.of("customers.csv", "products.csv", transactionsFile, "truth/customer_truth.csv",
                        STRUCTURE_TRUTH_FILE, "manifest.json")
                : List.of("customers.csv", "products.csv", transactionsFile, "truth/customer_truth.csv",
                        "manifest.json");

        writeProducts(outDir.resolve("products.csv"), catalogue);

        Statistics statistics = new Statistics();
        TimeFormatter time = new TimeFormatter(config.start(), config.windowDays());
        try (Writer customers = open(outDir.resolve("customers.csv"), false);
                Writer transactions = open(outDir.resolve(transactionsFile), config.compressTransactions());
                Writer truth = open(outDir.resolve("truth/customer_truth.csv"), false);
                Writer structureTruth = structure.enabled() ? open(outDir.resolve(STRUCTURE_TRUTH_FILE), false) : null) {
            if (structureTruth != null) {
                structureTruth.write(structureTruthHeader(structure.tasteFactors()));
                structureTruth.write('\n');
            }
            customers.write(CUSTOMERS_HEADER);
            customers.write('\n');
            transactions.write(TRANSACTIONS_HEADER);
            transactions.write('\n');
            truth.write(TRUTH_HEADER);
            truth.write('\n');
            CustomerSimulation simulation = new CustomerSimulation(config, catalogue, productStructure, storeCount,
                    storeCumulative, time);
            for (int customerIndex = 0; customerIndex < config.customers(); customerIndex++) {
                simulation.run(customerIndex, customers, transactions, truth, structureTruth, statistics);
            }
        }
        GeneratorSummary summary = statistics.summary(config.customers(), catalogue.size(), storeCount, files);
        String manifest = productStructure == null
                ? ManifestWriter.manifest(config, summary)
                : ManifestWriter.manifest(config, summary, catalogue, productStructure, statistics.wholesaleCustomers);
        Files.writeString(outDir.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);
        LoyaltyInputsGenerator.write(outDir, transactionsFile, config.seed(), false);
        LOGGER.info("Generated {} customers, {} baskets, {} transaction rows into {} in {} ms",
                summary.customers(), summary.baskets(), summary.transactionLines(), outDir,
                (System.nanoTime() - startedNanos) / 1_000_000L);
        return summary;
    }

    /** Header of truth/customer_structure.csv: customer_id, wholesale, then taste_1..taste_K. */
    static String structureTruthHeader(int factors) {
        StringBuilder header = new StringBuilder("customer_id,wholesale");
        for (int factor = 1; factor <= factors; factor++) {
            header.append(",taste_").append(factor);
        }
        return header.toString();
    }

    /** SplitMix64 finaliser (Steele, Lea &amp; Flood 2014): decorrelates nearby seeds and indices. */
    static long mix64(long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Seed of one independent random stream for one entity (customer index, or 0 for global streams). */
    public static long derivedSeed(long seed, long stream, long index) {
        return mix64(mix64(seed ^ mix64(stream * 0x9E3779B97F4A7C15L)) + index * 0xD1B54A32D192ED03L);
    }

    private static double[] storePopularity(int storeCount, SplittableRandom random) {
        // Larger stores attract more customers: Zipf weights over a shuffled rank order.
        double[] weights = new double[storeCount];
        for (int store = 0; store < storeCount; store++) {
            weights[store] = 1.0 / Math.pow(store + 1, 0.7);
        }
        for (int store = storeCount - 1; store > 0; store--) {
            int swap = random.nextInt(store + 1);
            double kept = weights[store];
            weights[store] = weights[swap];
            weights[swap] = kept;
        }
        return RandomDistributions.cumulative(weights);
    }

    static String storeId(int storeIndex) {
        return paddedId('S', storeIndex + 1, 3);
    }

    /** Prefix and zero-padded number, e.g. ('C', 12, 7) gives C0000012; wider numbers are not cut. */
    static String paddedId(char prefix, long number, int width) {
        String digits = Long.toString(number);
        StringBuilder id = new StringBuilder(width + 1).append(prefix);
        for (int padding = digits.length(); padding < width; padding++) {
            id.append('0');
        }
        return id.append(digits).toString();
    }

    private static Writer open(Path path, boolean gzip) throws IOException {
        OutputStream stream = Files.newOutputStream(path);
        if (gzip) {
            stream = new FastGzipOutputStream(stream);
        }
        return new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * Gzip at the fastest level: transaction files compress about 8:1 even so, and the default level
     * would double the run time. GZIPOutputStream writes a zero modification time, so the bytes stay
     * reproducible.
     */
    private static final class FastGzipOutputStream extends GZIPOutputStream {
        FastGzipOutputStream(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    private static void writeProducts(Path path, ProductCatalog catalogue) throws IOException {
        StringBuilder line = new StringBuilder(128);
        try (Writer writer = open(path, false)) {
            writer.write(PRODUCTS_HEADER);
            writer.write('\n');
            for (Product product : catalogue.products()) {
                line.setLength(0);
                line.append(product.id()).append(',').append(product.name()).append(',')
                        .append(product.category().label()).append(',');
                appendCents(line, product.priceCents());
                line.append(',');
                appendCents(line, product.unitCostCents());
                line.append(',').append(product.replenishable()).append('\n');
                writer.append(line);
            }
        }
    }

    /** Appends cents as a decimal with exactly two places, e.g. -1234 as -12.34. */
    public static void appendCents(StringBuilder out, long cents) {
        long magnitude = Math.abs(cents);
        if (cents < 0) {
            out.append('-');
        }
        out.append(magnitude / 100).append('.');
        long fraction = magnitude % 100;
        if (fraction < 10) {
            out.append('0');
        }
        out.append(fraction);
    }

    /**
     * Repeat purchase times in weeks since birth and the dropout, exactly as the process
     * prescribes (see {@link PurchaseProcess}); {@code observationWeeks} is T, the time from birth
     * to the end of the window.
     */
    static PurchaseHistory simulatePurchases(PurchaseProcess process, SplittableRandom random, double lambda,
            double dropoutProbability, double dropoutRate, double observationWeeks) {
        List<Double> repeatWeeks = new ArrayList<>();
        if (process == PurchaseProcess.PARETO_NBD) {
            // Schmittlein, Morrison & Colombo (1987): Poisson purchases until an exponential lifetime ends.
            double lifetime = RandomDistributions.exponential(random, dropoutRate);
            double limit = Math.min(lifetime, observationWeeks);
            double elapsed = RandomDistributions.exponential(random, lambda);
            while (elapsed < limit) {
                repeatWeeks.add(elapsed);
                elapsed += RandomDistributions.exponential(random, lambda);
            }
            boolean alive = lifetime >= observationWeeks;
            return new PurchaseHistory(repeatWeeks, alive, alive ? Double.NaN : lifetime);
        }
        boolean alive = true;
        // Batislam et al. (2007) also toss the dropout coin after the first purchase; Fader, Hardie & Lee
        // (2005) only after repeat purchases.
        if (process == PurchaseProcess.MBG_NBD && random.nextDouble() < dropoutProbability) {
            alive = false;
        }
        double elapsed = 0.0;
        while (alive) {
            elapsed += RandomDistributions.exponential(random, lambda);
            if (elapsed >= observationWeeks) {
                break;
            }
            repeatWeeks.add(elapsed);
            if (random.nextDouble() < dropoutProbability) {
                alive = false;
            }
        }
        double dropoutWeeks = alive ? Double.NaN : repeatWeeks.isEmpty() ? 0.0 : repeatWeeks.get(repeatWeeks.size() - 1);
        return new PurchaseHistory(repeatWeeks, alive, dropoutWeeks);
    }

    /** Formats seconds since the window start as local {@code yyyy-MM-dd HH:mm:ss}. */
    static final class TimeFormatter {
        private final LocalDate start;
        private final String[] dayPrefixes;
        private final int startWeekday;

        TimeFormatter(LocalDate start, int windowDays) {
            this.start = start;
            // One formatted date per window day (plus slack before the window for signup and birth dates).
            this.dayPrefixes = new String[windowDays];
            this.startWeekday = start.getDayOfWeek().getValue() - 1;
            for (int day = 0; day < windowDays; day++) {
                dayPrefixes[day] = start.plusDays(day).toString();
            }
        }

        void appendTimestamp(StringBuilder out, long secondsSinceStart) {
            int day = (int) Math.floorDiv(secondsSinceStart, SECONDS_PER_DAY);
            out.append(date(day)).append(' ');
            int secondOfDay = (int) Math.floorMod(secondsSinceStart, SECONDS_PER_DAY);
            appendTwoDigits(out, secondOfDay / 3600);
            out.append(':');
            appendTwoDigits(out, (secondOfDay / 60) % 60);
            out.append(':');
            appendTwoDigits(out, secondOfDay % 60);
        }

        String date(int dayIndex) {
            if (dayIndex >= 0 && dayIndex < dayPrefixes.length) {
                return dayPrefixes[dayIndex];
            }
            return start.plusDays(dayIndex).toString();
        }

        /** Day of week of a window day, 0 = Monday. */
        int weekday(int dayIndex) {
            return Math.floorMod(startWeekday + dayIndex, 7);
        }

        private static void appendTwoDigits(StringBuilder out, int value) {
            if (value < 10) {
                out.append('0');
            }
            out.append(value);
        }
    }

    /** Running totals for the summary. */
    static final class Statistics {
        long baskets;
        long purchaseLines;
        long returnLines;
        long oneTimeBuyers;
        long aliveAtEnd;
        long wholesaleCustomers;
        double basketAmountSum;
        double targetSum;
        double relativeDeviationSum;
        int[] eventHistogram = new int[64];

        void recordCustomer(int events, boolean alive) {
            if (events >= eventHistogram.length) {
                eventHistogram = Arrays.copyOf(eventHistogram, Math.max(events + 1, eventHistogram.length * 2));
            }
            eventHistogram[events]++;
            if (events == 1) {
                oneTimeBuyers++;
            }
            if (alive) {
                aliveAtEnd++;
            }
        }

        void recordBasket(double targetAmount, long netCents) {
            baskets++;
            double amount = netCents / 100.0;
            basketAmountSum += amount;
            targetSum += targetAmount;
            relativeDeviationSum += Math.abs(amount - targetAmount) / targetAmount;
        }

        GeneratorSummary summary(int customers, int products, int stores, List<String> files) {
            int max = 0;
            int p99 = 0;
            long needed = (long) Math.ceil(0.99 * customers);
            long running = 0;
            boolean p99Found = false;
            for (int events = 0; events < eventHistogram.length; events++) {
                if (eventHistogram[events] > 0) {
                    max = events;
                }
                running += eventHistogram[events];
                if (!p99Found && running >= needed) {
                    p99 = events;
                    p99Found = true;
                }
            }
            return new GeneratorSummary(customers, products, stores, baskets, purchaseLines, returnLines, oneTimeBuyers,
                    (double) baskets / customers, max, p99, aliveAtEnd,
                    baskets == 0 ? 0.0 : basketAmountSum / baskets,
                    baskets == 0 ? 0.0 : targetSum / baskets,
                    baskets == 0 ? 0.0 : relativeDeviationSum / baskets,
                    files);
        }
    }

    /**
     * Outcome of the latent process for one customer: repeat purchase times in weeks since birth,
     * whether the customer is alive at the end, and the dropout time in weeks since birth (NaN if alive;
     * for BG/NBD the time of the purchase after which the customer dropped out).
     */
    record PurchaseHistory(List<Double> repeatWeeks, boolean aliveAtEnd, double dropoutWeeks) {
    }

    /** One purchase event after timing: seconds since window start, channel and store. */
    private record PurchaseEvent(long second, int channel, int store) {
    }

    /** One written transactions row with its time, for sorting within a customer. */
    private record Row(long second, String text) {
    }

    /** Simulates one customer at a time; holds only that customer's state. */
    private static final class CustomerSimulation {
        private final GeneratorConfig config;
        private final PopulationParameters parameters;
        private final ProductCatalog catalogue;
        private final ProductStructure productStructure;
        private final int storeCount;
        private final double[] storeCumulative;
        private final TimeFormatter time;
        private final int windowDays;
        private final long windowSeconds;
        private final double[] categoryConcentration;
        private final double[] weekdayConcentration;
        private final StringBuilder line = new StringBuilder(160);
        private final String[] storeIds;
        private long nextTransactionNumber = 1;

        CustomerSimulation(GeneratorConfig config, ProductCatalog catalogue, ProductStructure productStructure,
                int storeCount, double[] storeCumulative, TimeFormatter time) {
            this.config = config;
            this.parameters = config.parameters();
            this.catalogue = catalogue;
            this.productStructure = productStructure;
            this.storeCount = storeCount;
            this.storeCumulative = storeCumulative;
            this.time = time;
            this.storeIds = new String[storeCount];
            for (int store = 0; store < storeCount; store++) {
                storeIds[store] = storeId(store);
            }
            this.windowDays = config.windowDays();
            this.windowSeconds = windowDays * SECONDS_PER_DAY;
            ProductCategory[] categories = CATEGORIES;
            double popularityTotal = 0.0;
            for (ProductCategory category : categories) {
                popularityTotal += category.popularity();
            }
            this.categoryConcentration = new double[categories.length];
            for (ProductCategory category : categories) {
                categoryConcentration[category.ordinal()] =
                        CATEGORY_CONCENTRATION * category.popularity() / popularityTotal;
            }
            this.weekdayConcentration = new double[7];
            for (int weekday = 0; weekday < 7; weekday++) {
                weekdayConcentration[weekday] = WEEKDAY_CONCENTRATION * WEEKDAY_PROFILE[weekday];
            }
        }

        void run(int customerIndex, Writer customersOut, Writer transactionsOut, Writer truthOut, Writer structureOut,
                Statistics statistics) throws IOException {
            SplittableRandom latent = new SplittableRandom(derivedSeed(config.seed(), STREAM_LATENT, customerIndex));
            SplittableRandom basket = new SplittableRandom(derivedSeed(config.seed(), STREAM_BASKET, customerIndex));
            String customerId = paddedId('C', customerIndex + 1L, 7);

            // Latent truth first, in a fixed order and independent of the process variant, so the same
            // seed gives the same lambda, p, mu and nu for BG/NBD, MBG/NBD and Pareto/NBD.
            double lambda = RandomDistributions.gamma(latent, parameters.r(), parameters.alpha());
            double dropoutProbability = RandomDistributions.beta(latent, parameters.a(), parameters.b());
            double dropoutRate = RandomDistributions.gamma(latent, parameters.s(), parameters.beta());
            double spendScale = RandomDistributions.gamma(latent, parameters.q(), parameters.gamma());
            double promoSensitivity = RandomDistributions.beta(latent, 2.0, 5.0);
            double[] channelShares = RandomDistributions.dirichlet(latent, CHANNEL_CONCENTRATION);
            int preferredStore = RandomDistributions.categorical(latent, storeCumulative);
            double preferredHour = HOUR_PEAKS[latent.nextInt(HOUR_PEAKS.length)] + 1.5 * RandomDistributions.standardNormal(latent);
            double[] weekdayWeights = RandomDistributions.dirichlet(latent, weekdayConcentration);
            // Personal cycle in days, mean 14 with a coefficient of variation of 0.5.
            double replenishmentCycleDays = Math.max(2.0, RandomDistributions.gamma(latent, 4.0, 4.0 / 14.0));
            double[] categoryShares = RandomDistributions.dirichlet(latent, categoryConcentration);
            boolean optOut = latent.nextDouble() < OPT_OUT_PROBABILITY;
            boolean consentEmail = !optOut && latent.nextDouble() < 0.35 + 0.50 * channelShares[1];
            boolean consentSms = !optOut && latent.nextDouble() < 0.15 + 0.35 * channelShares[0];
            boolean consentPush = !optOut && latent.nextDouble() < 0.05 + 0.80 * channelShares[2];
            String country = COUNTRIES[RandomDistributions.categorical(latent, COUNTRY_CUMULATIVE)];
            boolean birthDateKnown = latent.nextDouble() >= MISSING_BIRTH_DATE_PROBABILITY;
            int ageYears = 18 + (int) Math.floor(67.0 * RandomDistributions.beta(latent, 2.0, 3.0));
            int birthDayOfYear = latent.nextInt(365);
            boolean signedUpAtFirstPurchase = latent.nextDouble() < 0.55;
            int signupLeadDays = (int) Math.floor(RandomDistributions.exponential(latent, 1.0 / 90.0));

            // Birth: a uniform day of the window at a preferred time of day.
            int birthDay = latent.nextInt(windowDays);
            long birthSecond = birthDay * SECONDS_PER_DAY + timeOfDay(latent, preferredHour);
            double observationWeeks = (windowSeconds - birthSecond) / SECONDS_PER_WEEK;

            PurchaseProcess process = config.process();
            PurchaseHistory history = simulatePurchases(process, latent, lambda, dropoutProbability, dropoutRate,
                    observationWeeks);
            List<Double> repeatWeeks = history.repeatWeeks();
            boolean alive = history.aliveAtEnd();
            double dropoutWeeks = history.dropoutWeeks();

            // Calendar placement: day from the process, at most one day towards preferred weekdays,
            // time of day from the preferred hour. Channel and store per event.
            List<PurchaseEvent> events = new ArrayList<>(repeatWeeks.size() + 1);
            double[] channelCumulative = RandomDistributions.cumulative(channelShares);
            events.add(new PurchaseEvent(birthSecond, RandomDistributions.categorical(latent, channelCumulative),
                    chooseStore(latent, preferredStore)));
            long lastDaySecond = windowSeconds - 1;
            for (double weeks : repeatWeeks) {
                long exactSecond = birthSecond + (long) Math.floor(weeks * SECONDS_PER_WEEK);
                int day = (int) Math.min(exactSecond / SECONDS_PER_DAY, windowDays - 1);
                day = shiftTowardsPreferredWeekday(latent, day, birthDay, weekdayWeights);
                long second = day * SECONDS_PER_DAY + timeOfDay(latent, preferredHour);
                if (second <= birthSecond) {
                    // Same day as birth but drawn earlier: keep it after the first purchase.
                    long endOfDay = (birthDay + 1) * SECONDS_PER_DAY - 1;
                    second = Math.min(endOfDay, birthSecond + 1 + latent.nextInt(3600));
                }
                second = Math.min(second, lastDaySecond);
                events.add(new PurchaseEvent(second, RandomDistributions.categorical(latent, channelCumulative),
                        chooseStore(latent, preferredStore)));
            }
            // Stable sort keeps the first purchase first when it ties with a repeat.
            events.sort((left, right) -> Long.compare(left.second(), right.second()));

            long dropoutSecond = -1L;
            if (!alive) {
                if (process == PurchaseProcess.PARETO_NBD) {
                    dropoutSecond = birthSecond + (long) Math.floor(dropoutWeeks * SECONDS_PER_WEEK);
                } else {
                    // BG/NBD customers die right after a purchase: the last one.
                    dropoutSecond = events.get(events.size() - 1).second();
                }
            }

            int preferredChannel = 0;
            for (int channel = 1; channel < CHANNELS.length; channel++) {
                if (channelShares[channel] > channelShares[preferredChannel]) {
                    preferredChannel = channel;
                }
            }

            // The hidden structure comes from its own stream, so switching it on leaves every draw above unchanged.
            boolean wholesale = false;
            double[] taste = null;
            if (productStructure != null) {
                SplittableRandom structureRandom = new SplittableRandom(
                        derivedSeed(config.seed(), STREAM_CUSTOMER_STRUCTURE, customerIndex));
                wholesale = structureRandom.nextDouble() < config.structure().wholesaleShare();
                taste = ProductStructure.standardNormalVector(structureRandom, config.structure().tasteFactors());
                writeStructureTruth(structureOut, customerId, wholesale, taste);
                if (wholesale) {
                    statistics.wholesaleCustomers++;
                }
            }
            BasketBuilder builder = new BasketBuilder(basket, catalogue, categoryShares, promoSensitivity,
                    replenishmentCycleDays, productStructure, config.structure().hasTaste() ? taste : null,
                    config.structure().tasteStrength(), wholesale);
            double spendFactor = wholesale ? HiddenStructure.WHOLESALE_SPEND_FACTOR : 1.0;
            List<Row> rows = new ArrayList<>();
            for (PurchaseEvent event : events) {
                writeBasket(event, customerId, builder, basket, spendScale, spendFactor, rows, statistics);
            }
            rows.sort((left, right) -> Long.compare(left.second(), right.second()));
            for (Row row : rows) {
                transactionsOut.write(row.text());
            }

            int signupDay = signedUpAtFirstPurchase ? birthDay : birthDay - signupLeadDays;
            line.setLength(0);
            line.append(customerId).append(',').append(time.date(signupDay)).append(',').append(country).append(',');
            if (birthDateKnown) {
                LocalDate birthDate = config.start().minusYears(ageYears).withDayOfYear(1).plusDays(birthDayOfYear);
                line.append(birthDate);
            }
            line.append(',').append(consentEmail).append(',').append(consentSms).append(',').append(consentPush)
                    .append(',').append(optOut).append('\n');
            customersOut.append(line);

            CustomerTruth truth = new CustomerTruth(customerId, birthSecond, observationWeeks, lambda,
                    process == PurchaseProcess.PARETO_NBD ? Double.NaN : dropoutProbability,
                    process == PurchaseProcess.PARETO_NBD ? dropoutRate : Double.NaN,
                    dropoutSecond, alive, spendScale, parameters.p() / spendScale, promoSensitivity,
                    CHANNELS[preferredChannel], storeIds[preferredStore], replenishmentCycleDays, events.size());
            writeTruth(truthOut, truth);
            statistics.recordCustomer(events.size(), alive);
        }

        private void writeBasket(PurchaseEvent event, String customerId, BasketBuilder builder, SplittableRandom random,
                double spendScale, double spendFactor, List<Row> rows, Statistics statistics) {
            // Wholesale buyers: the Gamma-Gamma value scaled up (a factor of 1 leaves the value's bits unchanged).
            double target = spendFactor * RandomDistributions.gamma(random, parameters.p(), spendScale);
            int day = (int) (event.second() / SECONDS_PER_DAY);
            List<BasketBuilder.Line> lines = builder.build(target, day);
            String transactionId = paddedId('T', nextTransactionNumber++, 10);
            String channel = CHANNELS[event.channel()];
            String store = event.channel() == 0 ? storeIds[event.store()] : "";
            long net = 0;
            long returnSecond = -1L;
            for (BasketBuilder.Line basketLine : lines) {
                rows.add(new Row(event.second(), lineText(transactionId, customerId, event.second(), basketLine.product(),
                        basketLine.quantity(), basketLine.discountCents(), channel, store)));
                net += basketLine.amountCents();
                statistics.purchaseLines++;
                if (random.nextDouble() < config.returnRate()) {
                    if (returnSecond < 0) {
                        // One return trip per basket, 1-20 days later, same time of day.
                        returnSecond = event.second() + (1 + random.nextInt(MAX_RETURN_DELAY_DAYS)) * SECONDS_PER_DAY;
                    }
                    if (returnSecond < windowSeconds) {
                        rows.add(new Row(returnSecond, lineText("R" + transactionId, customerId, returnSecond,
                                basketLine.product(), -basketLine.quantity(), -basketLine.discountCents(), channel,
                                store)));
                        statistics.returnLines++;
                    }
                }
            }
            statistics.recordBasket(target, net);
        }

        private String lineText(String transactionId, String customerId, long second, Product product, int quantity,
                long discountCents, String channel, String store) {
            line.setLength(0);
            line.append(transactionId).append(',').append(customerId).append(',');
            time.appendTimestamp(line, second);
            line.append(',').append(product.id()).append(',').append(product.category().label()).append(',')
                    .append(quantity).append(',');
            appendCents(line, product.priceCents());
            line.append(',');
            appendCents(line, discountCents);
            line.append(',');
            appendCents(line, quantity * product.priceCents() - discountCents);
            line.append(',').append(channel).append(',').append(store).append(",\n");
            return line.toString();
        }

        private void writeStructureTruth(Writer out, String customerId, boolean wholesale, double[] taste)
                throws IOException {
            line.setLength(0);
            line.append(customerId).append(',').append(wholesale);
            for (double coordinate : taste) {
                line.append(',').append(coordinate);
            }
            out.append(line.append('\n'));
        }

        private void writeTruth(Writer out, CustomerTruth truth) throws IOException {
            line.setLength(0);
            line.append(truth.customerId()).append(',');
            time.appendTimestamp(line, truth.firstPurchaseSecond());
            line.append(',').append(truth.observationWeeks())
                    .append(',').append(truth.purchaseRatePerWeek()).append(',');
            if (!Double.isNaN(truth.dropoutProbability())) {
                line.append(truth.dropoutProbability());
            }
            line.append(',');
            if (!Double.isNaN(truth.dropoutRate())) {
                line.append(truth.dropoutRate());
            }
            line.append(',');
            if (truth.dropoutSecond() >= 0) {
                time.appendTimestamp(line, truth.dropoutSecond());
            }
            line.append(',').append(truth.aliveAtEnd())
                    .append(',').append(truth.spendScale())
                    .append(',').append(truth.expectedSpendPerPurchase())
                    .append(',').append(truth.promoSensitivity())
                    .append(',').append(truth.preferredChannel())
                    .append(',').append(truth.preferredStore())
                    .append(',').append(truth.replenishmentCycleDays())
                    .append(',').append(truth.purchaseEvents()).append('\n');
            out.append(line);
        }

        private int chooseStore(SplittableRandom random, int preferredStore) {
            if (random.nextDouble() < PREFERRED_STORE_LOYALTY) {
                return preferredStore;
            }
            return random.nextInt(storeCount);
        }

        /**
         * Seconds into the day around the preferred hour (sd 2 hours) between 07:00 and 22:59. Draws
         * outside opening hours are redrawn rather than clamped, which would pile them up at 07 and 22.
         */
        private static long timeOfDay(SplittableRandom random, double preferredHour) {
            double hour = preferredHour + 2.0 * RandomDistributions.standardNormal(random);
            for (int redraw = 0; (hour < 7.0 || hour >= 23.0) && redraw < 20; redraw++) {
                hour = preferredHour + 2.0 * RandomDistributions.standardNormal(random);
            }
            int wholeHour = (int) Math.max(7, Math.min(22, Math.floor(hour)));
            return wholeHour * 3600L + random.nextInt(3600);
        }

        /**
         * Moves a repeat purchase to the previous or next day with probability proportional to the
         * customer's weekday weights (the exact day counts twice), staying after birth and inside the window.
         */
        private int shiftTowardsPreferredWeekday(SplittableRandom random, int day, int birthDay, double[] weekdayWeights) {
            double[] weights = new double[3];
            for (int offset = -1; offset <= 1; offset++) {
                int candidate = day + offset;
                if (candidate < birthDay || candidate >= windowDays) {
                    continue;
                }
                double weight = weekdayWeights[time.weekday(candidate)];
                weights[offset + 1] = offset == 0 ? 2.0 * weight : weight;
            }
            double total = weights[0] + weights[1] + weights[2];
            if (!(total > 0.0)) {
                return day;
            }
            double threshold = random.nextDouble() * total;
            if (threshold < weights[0]) {
                return day - 1;
            }
            if (threshold < weights[0] + weights[1]) {
                return day;
            }
            return day + 1;
        }
    }

    /** Keeps the favourites and last replenishment days of one customer and fills baskets towards a target. */
    static final class BasketBuilder {

        record Line(Product product, int quantity, long discountCents) {
            long amountCents() {
                return quantity * product.priceCents() - discountCents;
            }
        }

        private final SplittableRandom random;
        private final ProductCatalog catalogue;
        private final double[] categoryCumulative;
        private final double promoSensitivity;
        private final double replenishmentCycleDays;
        private final int[][] favourites = new int[CATEGORIES.length][];
        private final Map<Integer, Integer> lastBoughtDay = new TreeMap<>();
        /** Null when no hidden structure is switched on. */
        private final ProductStructure structure;
        /** The customer's taste vector, or null without taste. */
        private final double[] taste;
        private final double tasteScale;
        private final boolean wholesale;
        /** Per category, the customer's cumulative taste-weighted popularity, built on the category's first pick. */
        private final double[][] tasteCumulative = new double[CATEGORIES.length][];

        BasketBuilder(SplittableRandom random, ProductCatalog catalogue, double[] categoryShares, double promoSensitivity,
                double replenishmentCycleDays, ProductStructure structure, double[] taste, double tasteStrength,
                boolean wholesale) {
            this.random = random;
            this.catalogue = catalogue;
            this.categoryCumulative = RandomDistributions.cumulative(categoryShares);
            this.promoSensitivity = promoSensitivity;
            this.replenishmentCycleDays = replenishmentCycleDays;
            this.structure = structure;
            this.taste = taste;
            this.tasteScale = taste == null || taste.length == 0 ? 0.0 : tasteStrength / Math.sqrt(taste.length);
            this.wholesale = wholesale;
        }

        /**
         * Lines whose net total is, in expectation, exactly {@code target} (currency units). Lines that
         * fit under the target are always kept. The first line that would cross it is kept with
         * probability remaining / line value and the basket then closes either way: this randomised
         * rounding between the amounts just below and just above the target is unbiased (expected total
         * = target) and puts the total within one line value of it. The only bias is that a basket has
         * at least one line: when a few candidates are all dearer than a small target, the cheapest is
         * bought.
         */
        List<Line> build(double target, int day) {
            long targetCents = Math.max(1L, Math.round(target * 100.0));
            List<Line> lines = new ArrayList<>();
            long net = 0L;
            List<Integer> due = new ArrayList<>();
            for (Map.Entry<Integer, Integer> entry : lastBoughtDay.entrySet()) {
                Product product = catalogue.product(entry.getKey());
                double cycle = replenishmentCycleDays * product.category().cycleFactor();
                if (day - entry.getValue() >= cycle) {
                    due.add(entry.getKey());
                }
            }
            List<Product> candidates = new ArrayList<>(due.size());
            for (int productIndex : due) {
                if (random.nextDouble() < REPLENISH_WHEN_DUE_PROBABILITY && inSeason(productIndex, day)) {
                    candidates.add(catalogue.product(productIndex));
                }
            }
            int dueOffset = 0;
            int attempts = 0;
            while (net < targetCents && attempts < MAX_CANDIDATES_PER_BASKET && lines.size() < MAX_LINES_PER_BASKET) {
                attempts++;
                Product product = dueOffset < candidates.size() ? candidates.get(dueOffset++) : pickProduct(day);
                if (contains(lines, product)) {
                    continue;
                }
                long remaining = targetCents - net;
                if (lines.isEmpty()) {
                    product = affordableFirstProduct(product, remaining, day);
                }
                Line line = line(product, remaining);
                long value = line.amountCents();
                if (value > remaining && !lines.isEmpty()) {
                    // Crossing the target: keep with probability remaining / value, then close the basket.
                    if (random.nextDouble() * value < remaining) {
                        add(line, lines, day);
                        net += value;
                    }
                    break;
                }
                add(line, lines, day);
                net += value;
            }
            return lines;
        }

        /**
         * The first line may not be dropped, so it is chosen among a few candidates: the first that fits
         * the target, else the cheapest.
         */
        private Product affordableFirstProduct(Product first, long targetCents, int day) {
            // A wholesale buyer's smallest line is one case.
            long units = wholesale ? HiddenStructure.WHOLESALE_CASE_SIZE : 1L;
            Product cheapest = first;
            Product candidate = first;
            for (int attempt = 1; units * candidate.priceCents() > targetCents && attempt < FIRST_LINE_CANDIDATES;
                    attempt++) {
                candidate = pickProduct(day);
                if (candidate.priceCents() < cheapest.priceCents()) {
                    cheapest = candidate;
                }
            }
            return units * candidate.priceCents() <= targetCents ? candidate : cheapest;
        }

        private static boolean contains(List<Line> lines, Product product) {
            for (Line existing : lines) {
                if (existing.product().index() == product.index()) {
                    return true;
                }
            }
            return false;
        }

        /** A line for the product: consumables may take several units while they fit; promotion by sensitivity. */
        private Line line(Product product, long remaining) {
            int quantity = 1;
            if (wholesale) {
                // Whole cases, one to four as they fit (at least one).
                long casePrice = HiddenStructure.WHOLESALE_CASE_SIZE * product.priceCents();
                long affordableCases = Math.max(1L, Math.min(4L, remaining / casePrice));
                quantity = HiddenStructure.WHOLESALE_CASE_SIZE * (1 + random.nextInt((int) affordableCases));
            } else if (product.replenishable() && remaining >= 2 * product.priceCents()) {
                long affordable = Math.min(4L, remaining / product.priceCents());
                quantity = 1 + random.nextInt((int) affordable);
            }
            long discount = 0L;
            if (random.nextDouble() < promoSensitivity) {
                // Promotions take 10, 15, 20, 25 or 30 percent off the line.
                int percent = 10 + 5 * random.nextInt(5);
                discount = Math.round(quantity * product.priceCents() * percent / 100.0);
            }
            return new Line(product, quantity, discount);
        }

        private void add(Line line, List<Line> lines, int day) {
            lines.add(line);
            if (line.product().replenishable()) {
                lastBoughtDay.put(line.product().index(), day);
            }
        }

        /**
         * A product for the basket on the window day. A seasonal product's pick is kept with its keep-probability for
         * the day and redrawn otherwise (rejection sampling), so its weight is multiplied by its seasonal bump; without
         * seasonal products nothing extra is drawn.
         */
        private Product pickProduct(int day) {
            Product product = pickProduct();
            for (int redraw = 0; redraw < MAX_SEASONAL_REDRAWS && !inSeason(product.index(), day); redraw++) {
                product = pickProduct();
            }
            return product;
        }

        /** True for products without a season; for seasonal ones a draw with the day's keep-probability. */
        private boolean inSeason(int productIndex, int day) {
            if (structure == null || !structure.seasonal(productIndex)) {
                return true;
            }
            return random.nextDouble() < structure.keepProbability(productIndex, day);
        }

        private Product pickProduct() {
            ProductCategory category = CATEGORIES[RandomDistributions.categorical(random, categoryCumulative)];
            int[] personal = favourites[category.ordinal()];
            if (personal == null) {
                // A small personal favourite set per category, drawn by popularity, makes customers rebuy
                // the same products.
                int size = 1 + (int) RandomDistributions.poisson(random, 1.5);
                size = Math.min(size, catalogue.productIndices(category).length);
                personal = new int[size];
                for (int slot = 0; slot < size; slot++) {
                    personal[slot] = newProduct(category).index();
                }
                favourites[category.ordinal()] = personal;
            }
            if (random.nextDouble() < FAVOURITE_PROBABILITY) {
                return catalogue.product(personal[random.nextInt(personal.length)]);
            }
            return newProduct(category);
        }

        /**
         * A product of the category that is not a repeat: by popularity, or with taste by
         * {@code popularity * exp(tasteScale * taste . vector)}. The customer's weights for a category are built once, on
         * its first pick there (O(products in the category * K)), in log space with the largest log weight subtracted so
         * that exp never overflows; every pick is then a binary search.
         */
        private Product newProduct(ProductCategory category) {
            if (taste == null) {
                return catalogue.popularProduct(category, random);
            }
            int[] indices = catalogue.productIndices(category);
            double[] cumulative = tasteCumulative[category.ordinal()];
            if (cumulative == null) {
                double[] popularity = catalogue.popularityWeights(category);
                double[] logWeights = new double[indices.length];
                double largest = Double.NEGATIVE_INFINITY;
                for (int offset = 0; offset < indices.length; offset++) {
                    double[] vector = structure.tasteVector(indices[offset]);
                    double dot = 0.0;
                    for (int factor = 0; factor < taste.length; factor++) {
                        dot += taste[factor] * vector[factor];
                    }
                    logWeights[offset] = Math.log(popularity[offset]) + tasteScale * dot;
                    largest = Math.max(largest, logWeights[offset]);
                }
                double[] weights = new double[indices.length];
                for (int offset = 0; offset < indices.length; offset++) {
                    weights[offset] = Math.exp(logWeights[offset] - largest);
                }
                cumulative = RandomDistributions.cumulative(weights);
                tasteCumulative[category.ordinal()] = cumulative;
            }
            return catalogue.product(indices[RandomDistributions.categorical(random, cumulative)]);
        }
    }
}
