package dev.onetoone.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.onetoone.model.PopulationModel;

/**
 * Every configuration key the application understands, each defined once: its default, the values it takes (a
 * range, choices, or a parser's rule in words) and a one-line description. {@link ConfigLoader} checks values by
 * these definitions, and docs/configuration.md and the shipped conf/onetoone.properties are tested against them
 * (ConfigurationDocTest, ConfigLoaderTest). Keys under
 * {@code spark.} are passed to the Spark session unchanged; keys under {@code mapping.<entity>.<column>} map a
 * canonical column to the source file's column name (see {@link ColumnMapping}).
 */
public final class ConfigKeys {
    public static final String WAREHOUSE = "warehouse";
    public static final String TIME_ZONE = "time-zone";
    public static final String CURRENCY = "currency";
    public static final String INGEST_DELIMITER = "ingest.delimiter";
    public static final String INGEST_TIMESTAMP_FORMATS = "ingest.timestamp-formats";
    public static final String INGEST_DATE_FORMATS = "ingest.date-formats";
    public static final String INGEST_HISTORY_START = "ingest.history-start";
    public static final String INGEST_FUTURE_TOLERANCE_DAYS = "ingest.future-tolerance-days";
    public static final String INGEST_MAX_QUARANTINE_SHARE = "ingest.max-quarantine-share";
    public static final String INGEST_ZERO_VALUE_LINES = "ingest.zero-value-lines";
    public static final String INGEST_CANCELLATION_PREFIX = "ingest.cancellation-prefix";
    public static final String INGEST_RETURN_MARKER_REQUIRED = "ingest.return-marker-required";
    public static final String INGEST_MAX_QUANTITY = "ingest.max-quantity";
    public static final String INGEST_MAX_AMOUNT = "ingest.max-amount";
    public static final String INGEST_AS_OF_MAX_DAYS_AHEAD = "ingest.as-of-max-days-ahead";
    public static final String RFM_QUANTILE_RELATIVE_ERROR = "rfm.quantile-relative-error";
    public static final String MODEL_TIME_UNIT_DAYS = "model.time-unit-days";
    public static final String MODEL_PURCHASE_MODEL = "model.purchase-model";
    public static final String MODEL_REFIT_DAYS = "model.refit-days";
    public static final String MODEL_MIN_CUSTOMERS = "model.min-customers";
    public static final String MODEL_SMALL_POPULATION_PENALTY = "model.small-population-penalty";
    public static final String MODEL_FIT_PARETO_NBD = "model.fit-pareto-nbd";
    public static final String MODEL_CLV_HORIZON_DAYS = "model.clv-horizon-days";
    public static final String MODEL_MARGIN = "model.margin";
    public static final String MODEL_ANNUAL_DISCOUNT_RATE = "model.annual-discount-rate";
    public static final String MODEL_RHYTHM_PRIOR_PURCHASES = "model.rhythm-prior-purchases";
    public static final String PREFERENCES_HALF_LIFE_DAYS = "preferences.half-life-days";
    public static final String PREFERENCES_SENSITIVITY_PRIOR_LINES = "preferences.sensitivity-prior-lines";
    public static final String AFFINITY_TOP_K = "affinity.top-k";
    public static final String AFFINITY_HORIZON_DAYS = "affinity.horizon-days";
    public static final String AFFINITY_HALF_LIFE_DAYS = "affinity.half-life-days";
    public static final String AFFINITY_ACTIVE_P_ALIVE = "affinity.active-p-alive";
    public static final String AFFINITY_MAX_PER_CATEGORY = "affinity.max-per-category";
    public static final String AFFINITY_NEW_PRODUCTS = "affinity.new-products";
    public static final String AFFINITY_EXCLUDE_DURABLE_DAYS = "affinity.exclude-durable-days";
    public static final String AFFINITY_CYCLE_PRIOR_GAPS = "affinity.cycle-prior-gaps";
    public static final String AFFINITY_CANDIDATES_PER_SOURCE = "affinity.candidates-per-source";
    public static final String AFFINITY_POPULARITY_DAYS = "affinity.popularity-days";
    public static final String AFFINITY_CO_OCCURRENCE_MIN_BASKETS = "affinity.co-occurrence.min-baskets";
    public static final String AFFINITY_CO_OCCURRENCE_NEIGHBOURS = "affinity.co-occurrence.neighbours";
    public static final String AFFINITY_CO_OCCURRENCE_MAX_BASKET_PRODUCTS = "affinity.co-occurrence.max-basket-products";
    public static final String AFFINITY_ALS_RANK = "affinity.als.rank";
    public static final String AFFINITY_ALS_MAX_ITER = "affinity.als.max-iter";
    public static final String AFFINITY_ALS_REG_PARAM = "affinity.als.reg-param";
    public static final String AFFINITY_ALS_ALPHA = "affinity.als.alpha";
    public static final String AFFINITY_ALS_BLOCKS = "affinity.als.blocks";
    public static final String AFFINITY_ALS_CHECKPOINT_INTERVAL = "affinity.als.checkpoint-interval";
    public static final String AFFINITY_WEIGHT_BUY_AGAIN = "affinity.weight.buy-again";
    public static final String AFFINITY_WEIGHT_COLLABORATIVE = "affinity.weight.collaborative";
    public static final String AFFINITY_WEIGHT_CO_OCCURRENCE = "affinity.weight.co-occurrence";
    public static final String AFFINITY_WEIGHT_POPULARITY = "affinity.weight.popularity";
    public static final String AFFINITY_EXCLUDED_PRODUCTS = "affinity.excluded-products";
    public static final String AFFINITY_RANKER_RETRAIN_DAYS = "affinity.ranker.retrain-days";
    public static final String AFFINITY_RANKER_MODEL = "affinity.ranker.model";
    public static final String AFFINITY_RANKER_TRAINING_CUSTOMERS = "affinity.ranker.training-customers";
    public static final String AFFINITY_TIFU_GROUP_SIZE = "affinity.tifu.group-size";
    public static final String AFFINITY_TIFU_WITHIN_GROUP_DECAY = "affinity.tifu.within-group-decay";
    public static final String AFFINITY_TIFU_ACROSS_GROUP_DECAY = "affinity.tifu.across-group-decay";
    public static final String AFFINITY_TIFU_NEIGHBOURS = "affinity.tifu.neighbours";
    public static final String AFFINITY_TIFU_ALPHA = "affinity.tifu.alpha";
    public static final String AFFINITY_TIFU_POOL_SIZE = "affinity.tifu.pool-size";
    public static final String AFFINITY_TIFU_MAX_PRODUCTS = "affinity.tifu.max-products";
    public static final String OFFERS_CAMPAIGNS_FILE = "offers.campaigns-file";
    public static final String OFFERS_GLOBAL_BUDGET = "offers.global-budget";
    public static final String OFFERS_MAX_CONTACTS = "offers.max-contacts";
    public static final String OFFERS_CONTACT_WINDOW_DAYS = "offers.contact-window-days";
    public static final String OFFERS_COOLDOWN_DAYS = "offers.cooldown-days";
    public static final String OFFERS_SUPPRESSION_FILE = "offers.suppression-file";
    public static final String OFFERS_SALT = "offers.salt";
    public static final String OFFERS_HOLDOUT_SHARE = "offers.holdout-share";
    public static final String OFFERS_CONTROL_SHARE = "offers.control-share";
    public static final String OFFERS_EXPLORE_SHARE = "offers.explore-share";
    public static final String OFFERS_RESPONSE_ELASTICITY = "offers.response-elasticity";
    public static final String OFFERS_LEARNED_RESPONSE_MIN_OUTCOMES = "offers.learned-response.min-outcomes";
    public static final String OFFERS_MARGIN_FLOOR = "offers.margin-floor";
    public static final String OFFERS_POINT_VALUE = "offers.point-value";
    public static final String OFFERS_BISECTION_STEPS = "offers.bisection-steps";
    public static final String OFFERS_CONTACT_COST_EMAIL = "offers.contact-cost.email";
    public static final String OFFERS_CONTACT_COST_SMS = "offers.contact-cost.sms";
    public static final String OFFERS_CONTACT_COST_PUSH = "offers.contact-cost.push";
    public static final String OFFERS_FATIGUE_COST = "offers.fatigue-cost";
    public static final String OFFERS_MIN_NET_MARGIN = "offers.min-net-margin";
    public static final String LOYALTY_FILE = "loyalty.file";
    public static final String LOCK_STALE_AFTER_HOURS = "lock.stale-after-hours";
    public static final String MAINTENANCE_VACUUM_RETENTION_HOURS = "maintenance.vacuum-retention-hours";
    public static final String MAINTENANCE_QUARANTINE_RAW_RETENTION_DAYS = "maintenance.quarantine-raw-retention-days";
    public static final String CATALOG_DATABASE = "catalog.database";
    public static final String GATES_MAX_VOLUME_DROP = "gates.max-volume-drop";
    public static final String GATES_MODEL_NOT_CONVERGED = "gates.model-not-converged";
    public static final String GATES_MAX_KEPT_FIT_AGE_DAYS = "gates.max-kept-fit-age-days";

    public static final String SPARK_PREFIX = "spark.";
    public static final String MAPPING_PREFIX = "mapping.";

    /** What a key's value may be; the loader parses and checks it by this, and docs/configuration.md shows it. */
    public enum Kind {
        /** Text checked by the loader's own parser (a path, a zone, formats); {@link Key#allowed} says what it takes. */
        TEXT,
        /** A whole number within [min, max]. */
        INTEGER,
        /** A finite number within [min, max]. */
        NUMBER,
        /** true or false (also yes/no, on/off, 1/0). */
        BOOLEAN,
        /** One of {@link Key#choices}, in any case. */
        CHOICE
    }

    /**
     * The one definition of a key: name, default, what values it takes and what it means, in documentation order.
     * The loader reads the range and the choices from here, and docs/configuration.md is checked against it.
     */
    public record Key(String name, String defaultValue, String description, Kind kind, double min, double max, List<String> choices,
            String allowedText) {
        /** The values the key takes, in words, as docs/configuration.md shows them. */
        public String allowed() {
            return switch (kind) {
                case TEXT -> allowedText;
                case INTEGER -> max == Integer.MAX_VALUE ? "integer, at least " + number(min) : "integer " + number(min) + " to " + number(max);
                case NUMBER -> "number " + number(min) + " to " + number(max);
                case BOOLEAN -> "true or false";
                case CHOICE -> String.join(", ", choices);
            };
        }

        /** A limit as written in the docs: whole numbers without a fraction, powers of ten from 1e9 as 1e9. */
        private static String number(double value) {
            if (value == Math.rint(value)) {
                double exponent = Math.log10(Math.abs(value));
                if (Math.abs(value) >= 1e9 && exponent == Math.rint(exponent)) {
                    return "1e" + (long) exponent;
                }
                return Long.toString((long) value);
            }
            return Double.toString(value);
        }
    }

    /** The text of an ingest plausibility limit: what a money column (decimal(18, 2)) can hold. */
    private static final String POSITIVE_UP_TO_MONEY_LIMIT = "a positive number up to 1e15";

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    static {
        text(WAREHOUSE, "./warehouse", "a directory or s3a:// URI", "Root directory (or s3a:// URI) of the Delta tables.");
        text(TIME_ZONE, "UTC", "a time zone id such as UTC or Europe/Berlin", "Time zone of timestamps without an offset, and of purchase dates.");
        text(CURRENCY, "EUR", "a three-letter ISO 4217 code", "ISO currency code of all amounts (documentation only; no conversion).");
        text(INGEST_DELIMITER, ",", "one character, or \\t", "Field delimiter of CSV input files.");
        text(INGEST_TIMESTAMP_FORMATS, "yyyy-MM-dd HH:mm:ss;yyyy-MM-dd'T'HH:mm:ss;yyyy-MM-dd'T'HH:mm:ssXXX;yyyy-MM-dd HH:mm;yyyy-MM-dd", "Spark datetime patterns separated by \';\'",
                "Accepted formats of the ts column, tried in order, separated by ';' (Spark datetime patterns).");
        text(INGEST_DATE_FORMATS, "yyyy-MM-dd", "Spark datetime patterns separated by ';'", "Accepted formats of date columns (signup_date, birth_date), separated by ';'.");
        text(INGEST_HISTORY_START, "", "a date as yyyy-MM-dd, or empty", "Transactions dated before this day are quarantined (before_history_start); empty for no lower bound.");
        integer(INGEST_FUTURE_TOLERANCE_DAYS, "1", 0, 3650, "Transactions dated more than this many days after the run's reference date are quarantined (future_date).");
        number(INGEST_MAX_QUARANTINE_SHARE, "0.05", 0.0, 1.0, "Share of quarantined rows above which ingest fails with exit code 3 (0..1).");
        choice(INGEST_ZERO_VALUE_LINES, "keep", "keep: zero-value lines are kept and flagged; quarantine: they go to quarantine (zero_value).", "keep", "quarantine");
        text(INGEST_CANCELLATION_PREFIX, "", "any text, or empty", "Transaction id prefix that marks a cancellation or return (e.g. C); empty for none.");
        bool(INGEST_RETURN_MARKER_REQUIRED, "false", "If true, a negative quantity is a return only when the transaction id carries the cancellation prefix.");
        text(INGEST_MAX_QUANTITY, "100000", POSITIVE_UP_TO_MONEY_LIMIT, "Lines whose absolute quantity exceeds this are quarantined (implausible_quantity).");
        text(INGEST_MAX_AMOUNT, "1000000", POSITIVE_UP_TO_MONEY_LIMIT, "Lines whose absolute amount or unit price exceeds this are quarantined (implausible_amount).");
        integer(INGEST_AS_OF_MAX_DAYS_AHEAD, "1", 0, 36500, "ingest and nightly refuse an --as-of date more than this many days after today.");
        number(RFM_QUANTILE_RELATIVE_ERROR, "0.001", 0.0, 0.1, "Relative error of the approximate quantiles behind the RFM scores (0..0.1).");
        number(MODEL_TIME_UNIT_DAYS, "7", 1.0, 365.0, "Days per time unit of the BTYD summaries t_x and T (7 = weeks).");
        choice(MODEL_PURCHASE_MODEL, "pareto_nbd", "Model behind p_alive and expected purchases: bg_nbd, mbg_nbd or pareto_nbd.", purchaseModels());
        integer(MODEL_REFIT_DAYS, "7", 1, 3650, "Refit the population parameters when the last fit is this many days old or older; 1 = every night.");
        integer(MODEL_MIN_CUSTOMERS, "100", 1, Integer.MAX_VALUE, "Below this many customers (or with no repeat buyer) fits are penalised towards 1 instead of plain maximum likelihood.");
        number(MODEL_SMALL_POPULATION_PENALTY, "0.1", 0.0, 100.0, "L2 penalty per customer on the log-parameters of a penalised fit.");
        bool(MODEL_FIT_PARETO_NBD, "true", "Also fit Pareto/NBD (always fitted when it is the purchase model).");
        integer(MODEL_CLV_HORIZON_DAYS, "365", 1, 3650, "Horizon of clv in days.");
        number(MODEL_MARGIN, "0.3", 0.0, 1.0, "Margin on spend used for clv (0..1).");
        number(MODEL_ANNUAL_DISCOUNT_RATE, "0.1", 0.0, 1.0, "Annual discount rate of clv.");
        number(MODEL_RHYTHM_PRIOR_PURCHASES, "2", 0.0, 1000.0, "Weight, in gaps, of the population rhythm in each customer's shrunk rhythm.");
        number(PREFERENCES_HALF_LIFE_DAYS, "180", 1.0, 36500.0, "Half-life in days of the time decay of preferences.");
        number(PREFERENCES_SENSITIVITY_PRIOR_LINES, "10", 0.0, 1_000_000.0, "Weight, in lines, of the population discount share in each customer's price sensitivity.");
        integer(AFFINITY_TOP_K, "20", 1, 1000, "Products ranked per customer in product_affinity.");
        integer(AFFINITY_HORIZON_DAYS, "30", 1, 3650, "Window in days a buy-again item is scored for: the chance it is bought again within this many days.");
        number(AFFINITY_HALF_LIFE_DAYS, "90", 1.0, 36500.0, "Half-life in days of the time decay of a customer's product affinities.");
        number(AFFINITY_ACTIVE_P_ALIVE, "0.05", 0.0, 1.0, "Customers with p_alive at or above this value are active and get a ranking (0 = every customer).");
        integer(AFFINITY_MAX_PER_CATEGORY, "8", 1, 1000, "At most this many products of one category in a customer's ranking (diversity).");
        integer(AFFINITY_NEW_PRODUCTS, "5", 0, 1000, "The customer's best this-many new products (never bought) are kept in product_affinity even when they rank below affinity.top-k, for cross-sell to draw from (0 = the top-k only).");
        integer(AFFINITY_EXCLUDE_DURABLE_DAYS, "30", 0, 36500, "A product that is not replenishable and was bought within this many days is not recommended again.");
        number(AFFINITY_CYCLE_PRIOR_GAPS, "2", 0.0, 1000.0, "Weight, in gaps, of the product's population cycle in a customer's own cycle for it.");
        integer(AFFINITY_CANDIDATES_PER_SOURCE, "50", 1, 10_000, "Candidates each scorer proposes per customer before blending.");
        integer(AFFINITY_POPULARITY_DAYS, "90", 1, 36500, "Popularity counts the distinct buyers of a product over this many days up to the as-of date.");
        integer(AFFINITY_CO_OCCURRENCE_MIN_BASKETS, "2", 1, Integer.MAX_VALUE, "Two products are related when at least this many baskets hold both.");
        integer(AFFINITY_CO_OCCURRENCE_NEIGHBOURS, "20", 1, 10_000, "Most similar products kept per product.");
        integer(AFFINITY_CO_OCCURRENCE_MAX_BASKET_PRODUCTS, "50", 2, 10_000, "Baskets with more distinct products than this (bulk or business orders) are left out of co-occurrence counts.");
        integer(AFFINITY_ALS_RANK, "16", 1, 1000, "Latent factors of the ALS model.");
        integer(AFFINITY_ALS_MAX_ITER, "10", 1, 1000, "ALS iterations.");
        number(AFFINITY_ALS_REG_PARAM, "0.1", 0.0, 1000.0, "ALS regularisation.");
        number(AFFINITY_ALS_ALPHA, "10", 0.0, 1_000_000.0, "ALS implicit-feedback confidence scale: confidence = 1 + alpha * log(1 + decayed purchase days).");
        integer(AFFINITY_ALS_BLOCKS, "0", 0, 100_000, "User and item blocks of ALS; 0 = the session's default parallelism.");
        integer(AFFINITY_ALS_CHECKPOINT_INTERVAL, "5", 1, 1000, "Checkpoint the ALS factors every this many iterations (bounds the lineage).");
        number(AFFINITY_WEIGHT_BUY_AGAIN, "1.0", 0.0, 1.0, "Weight (0..1) of the buy-again score in the blend.");
        number(AFFINITY_WEIGHT_COLLABORATIVE, "0.01", 0.0, 1.0, "Weight (0..1) of the ALS score in the blend (for products the customer has not bought).");
        number(AFFINITY_WEIGHT_CO_OCCURRENCE, "0", 0.0, 1.0, "Weight (0..1) of the co-occurrence score in the blend; 0 = computed only by evaluate-affinity.");
        number(AFFINITY_WEIGHT_POPULARITY, "0.01", 0.0, 1.0, "Weight (0..1) of the popular-in-category score in the blend (for products the customer has not bought).");
        text(AFFINITY_EXCLUDED_PRODUCTS, "", "product ids separated by ',', or empty", "Comma-separated product ids that are not products (postage, fees, discounts): never ranked, learnt from or evaluated.");
        integer(AFFINITY_RANKER_RETRAIN_DAYS, "7", 1, 3650, "Retrain the learned ranker when its last training is this many days old (1 = nightly); otherwise reuse it.");
        choice(AFFINITY_RANKER_MODEL, "auto", "Learned ranker: auto (the best on held-out customers of gbt, logistic and the single-score tifu_knn and buy_again), or one of these.", "auto", "gbt", "logistic", "tifu_knn", "buy_again");
        integer(AFFINITY_RANKER_TRAINING_CUSTOMERS, "200000", 100, Integer.MAX_VALUE, "At most this many customers (a hash sample) train the ranker.");
        integer(AFFINITY_TIFU_GROUP_SIZE, "7", 1, 1000, "TIFU-KNN group size m: consecutive baskets per group (Hu et al. 2020).");
        number(AFFINITY_TIFU_WITHIN_GROUP_DECAY, "0.9", 0.0, 1.0, "TIFU-KNN r_b: decay of older baskets within a group.");
        number(AFFINITY_TIFU_ACROSS_GROUP_DECAY, "0.7", 0.0, 1.0, "TIFU-KNN r_g: decay of older groups.");
        integer(AFFINITY_TIFU_NEIGHBOURS, "300", 1, 100_000, "TIFU-KNN k: nearest customers whose vectors are blended in.");
        number(AFFINITY_TIFU_ALPHA, "0.7", 0.0, 1.0, "TIFU-KNN alpha: weight of the customer's own vector against the neighbours' mean.");
        integer(AFFINITY_TIFU_POOL_SIZE, "20000", 1, 1_000_000, "TIFU-KNN neighbours are searched among this many customers (all of them when there are no more; otherwise a fixed sample by id hash), which bounds the search per customer at any size.");
        integer(AFFINITY_TIFU_MAX_PRODUCTS, "100", 1, 100_000, "TIFU-KNN scores kept per customer beyond the customer's own products: the best this many products that only the neighbours bought.");
        text(OFFERS_CAMPAIGNS_FILE, "conf/campaigns.properties", "a file path", "Campaign definitions; a relative path is resolved against onetoone.home / ONETOONE_HOME, else the working directory.");
        number(OFFERS_GLOBAL_BUDGET, "5000", 0.0, 1e15, "Budget over all campaigns per run, in expected discount cost plus contact cost (currency).");
        integer(OFFERS_MAX_CONTACTS, "2", 0, 100, "At most this many offers sent to a customer per rolling contact window (today's included).");
        integer(OFFERS_CONTACT_WINDOW_DAYS, "30", 1, 3650, "Length in days of the rolling contact window.");
        integer(OFFERS_COOLDOWN_DAYS, "7", 0, 3650, "No new offer for this many days after an offer was sent; 0 = no cool-down.");
        text(OFFERS_SUPPRESSION_FILE, "", "a file path, or empty", "CSV file with a customer_id column: customers who never get an offer; empty for none.");
        text(OFFERS_SALT, "onetoone", "any non-empty text", "Salt of the hash that assigns customers to holdout, control and explore groups; change it to redraw the groups.");
        number(OFFERS_HOLDOUT_SHARE, "0.05", 0.0, 0.5, "Share of customers in the global holdout (no offer from any campaign).");
        number(OFFERS_CONTROL_SHARE, "0.5", 0.0, 0.95, "Share of each campaign's chosen customers withheld as its control group.");
        number(OFFERS_EXPLORE_SHARE, "0.02", 0.0, 0.5, "Share of customers who get a randomly chosen eligible offer instead of the optimised one.");
        number(OFFERS_RESPONSE_ELASTICITY, "8.0", 0.0, 100.0, "Response model: logit(p_with) = logit(p_without) + elasticity x price_sensitivity x discount fraction.");
        integer(OFFERS_LEARNED_RESPONSE_MIN_OUTCOMES, "2000", 1, 1_000_000_000, "A campaign prices its offers with the response learned from its logged outcomes (response_model) once it has at least this many treatment, explore and control rows whose validity window has closed, and the fit passes its checks; until then with offers.response-elasticity.");
        number(OFFERS_MARGIN_FLOOR, "0.1", 0.0, 1.0, "Lowest margin share left after a discount, unless the campaigns file sets one for the product or category (0..1).");
        number(OFFERS_POINT_VALUE, "0.01", 0.0, 1e6, "Cost to the retailer of one loyalty point, in currency.");
        integer(OFFERS_BISECTION_STEPS, "20", 1, 100, "Bisection steps of the budget shadow prices: the bracket narrows to 2^-steps of the highest price, four steps per Spark aggregate.");
        number(OFFERS_CONTACT_COST_EMAIL, "0.02", 0.0, 1e6, "Cost in currency of sending one offer by e-mail; spent from the budgets.");
        number(OFFERS_CONTACT_COST_SMS, "0.08", 0.0, 1e6, "Cost in currency of sending one offer by SMS; spent from the budgets.");
        number(OFFERS_CONTACT_COST_PUSH, "0.005", 0.0, 1e6, "Cost in currency of sending one offer by push notification; spent from the budgets.");
        number(OFFERS_FATIGUE_COST, "0.01", 0.0, 1e6, "Fatigue cost in currency of each earlier offer sent to the customer within the contact window (today's included); not spent from the budgets.");
        number(OFFERS_MIN_NET_MARGIN, "0", 0.0, 1e6, "An offer is sent only when its expected incremental margin minus contact and fatigue costs is above this (currency).");
        text(LOYALTY_FILE, "conf/loyalty.properties", "a file path", "Loyalty programme configuration (earning rules, expiry, tiers, referrals; docs/loyalty.md); resolved like offers.campaigns-file.");
        number(LOCK_STALE_AFTER_HOURS, "24", 0.01, 8760.0, "A run lock older than this many hours is stale and taken over (a lock of a dead process on the same host is stale at once).");
        number(MAINTENANCE_VACUUM_RETENTION_HOURS, "168", 0.0, 87600.0, "maintain and forget: VACUUM removes files no longer in the table that are older than this many hours (Delta's default is 168).");
        integer(MAINTENANCE_QUARANTINE_RAW_RETENTION_DAYS, "90", 1, 36500, "maintain: raw records of quarantined rows older than this many days are blanked (reasons and counts are kept).");
        text(CATALOG_DATABASE, "onetoone", "letters, digits and underscores, not starting with a digit", "register-tables: database (schema) the tables are registered in.");
        number(GATES_MAX_VOLUME_DROP, "0.9", 0.0, 1.0, "nightly: stop (exit code 3) when a load has this share fewer lines per purchase day than the previous load (0..1; 1 = never).");
        choice(GATES_MODEL_NOT_CONVERGED, "fail", "nightly: fail (exit code 3) or warn when a model fit behind the scores did not converge and no earlier fit could be kept.", "fail", "warn");
        integer(GATES_MAX_KEPT_FIT_AGE_DAYS, "28", 1, 3650, "nightly: stop (exit code 3) when the scores rest on parameters kept from a fit this many days old or older.");
    }

    private ConfigKeys() {
    }

    private static void text(String name, String defaultValue, String allowed, String description) {
        KEYS.put(name, new Key(name, defaultValue, description, Kind.TEXT, 0, 0, List.of(), allowed));
    }

    private static void integer(String name, String defaultValue, int min, int max, String description) {
        KEYS.put(name, new Key(name, defaultValue, description, Kind.INTEGER, min, max, List.of(), null));
    }

    private static void number(String name, String defaultValue, double min, double max, String description) {
        KEYS.put(name, new Key(name, defaultValue, description, Kind.NUMBER, min, max, List.of(), null));
    }

    private static void bool(String name, String defaultValue, String description) {
        KEYS.put(name, new Key(name, defaultValue, description, Kind.BOOLEAN, 0, 0, List.of(), null));
    }

    private static void choice(String name, String defaultValue, String description, String... choices) {
        KEYS.put(name, new Key(name, defaultValue, description, Kind.CHOICE, 0, 0, List.of(choices), null));
    }

    /** The codes of the population models that can be the purchase model (not the spend model), sorted. */
    private static String[] purchaseModels() {
        return Arrays.stream(PopulationModel.values()).filter(PopulationModel::isPurchaseModel).map(PopulationModel::code).sorted()
                .toArray(String[]::new);
    }

    /** The definition of a key the code names; a programming error if it is not defined. */
    public static Key key(String name) {
        Key key = KEYS.get(name);
        if (key == null) {
            throw new IllegalArgumentException("no configuration key " + name + " is defined");
        }
        return key;
    }

    public static Map<String, Key> all() {
        return Collections.unmodifiableMap(KEYS);
    }

    public static boolean isKnown(String name) {
        return KEYS.containsKey(name);
    }
}
