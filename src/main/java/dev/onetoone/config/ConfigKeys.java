package dev.onetoone.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every configuration key the application understands, with its default and a one-line description. Keys under
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

    /** Key, default value and description, in documentation order. */
    public record Key(String name, String defaultValue, String description) {
    }

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    static {
        define(WAREHOUSE, "./warehouse", "Root directory (or s3a:// URI) of the Delta tables.");
        define(TIME_ZONE, "UTC", "Time zone of timestamps without an offset, and of purchase dates.");
        define(CURRENCY, "EUR", "ISO currency code of all amounts (documentation only; no conversion).");
        define(INGEST_DELIMITER, ",", "Field delimiter of CSV input files.");
        define(INGEST_TIMESTAMP_FORMATS, "yyyy-MM-dd HH:mm:ss;yyyy-MM-dd'T'HH:mm:ss;yyyy-MM-dd'T'HH:mm:ssXXX;yyyy-MM-dd HH:mm;yyyy-MM-dd",
                "Accepted formats of the ts column, tried in order, separated by ';' (Spark datetime patterns).");
        define(INGEST_DATE_FORMATS, "yyyy-MM-dd", "Accepted formats of date columns (signup_date, birth_date), separated by ';'.");
        define(INGEST_HISTORY_START, "", "Transactions dated before this day are quarantined (before_history_start); empty for no lower bound.");
        define(INGEST_FUTURE_TOLERANCE_DAYS, "1", "Transactions dated more than this many days after the run's reference date are quarantined (future_date).");
        define(INGEST_MAX_QUARANTINE_SHARE, "0.05", "Share of quarantined rows above which ingest fails with exit code 3 (0..1).");
        define(INGEST_ZERO_VALUE_LINES, "keep", "keep: zero-value lines are kept and flagged; quarantine: they go to quarantine (zero_value).");
        define(INGEST_CANCELLATION_PREFIX, "", "Transaction id prefix that marks a cancellation or return (e.g. C); empty for none.");
        define(INGEST_RETURN_MARKER_REQUIRED, "false", "If true, a negative quantity is a return only when the transaction id carries the cancellation prefix.");
        define(INGEST_MAX_QUANTITY, "100000", "Lines whose absolute quantity exceeds this are quarantined (implausible_quantity).");
        define(INGEST_MAX_AMOUNT, "1000000", "Lines whose absolute amount or unit price exceeds this are quarantined (implausible_amount).");
        define(INGEST_AS_OF_MAX_DAYS_AHEAD, "1", "ingest and nightly refuse an --as-of date more than this many days after today.");
        define(RFM_QUANTILE_RELATIVE_ERROR, "0.001", "Relative error of the approximate quantiles behind the RFM scores (0..0.1).");
        define(MODEL_TIME_UNIT_DAYS, "7", "Days per time unit of the BTYD summaries t_x and T (7 = weeks).");
        define(MODEL_PURCHASE_MODEL, "pareto_nbd", "Model behind p_alive and expected purchases: bg_nbd, mbg_nbd or pareto_nbd.");
        define(MODEL_REFIT_DAYS, "7", "Refit the population parameters when the last fit is this many days old or older; 1 = every night.");
        define(MODEL_MIN_CUSTOMERS, "100", "Below this many customers (or with no repeat buyer) fits are penalised towards 1 instead of plain maximum likelihood.");
        define(MODEL_SMALL_POPULATION_PENALTY, "0.1", "L2 penalty per customer on the log-parameters of a penalised fit.");
        define(MODEL_FIT_PARETO_NBD, "true", "Also fit Pareto/NBD (always fitted when it is the purchase model).");
        define(MODEL_CLV_HORIZON_DAYS, "365", "Horizon of clv in days.");
        define(MODEL_MARGIN, "0.3", "Margin on spend used for clv (0..1).");
        define(MODEL_ANNUAL_DISCOUNT_RATE, "0.1", "Annual discount rate of clv.");
        define(MODEL_RHYTHM_PRIOR_PURCHASES, "2", "Weight, in gaps, of the population rhythm in each customer's shrunk rhythm.");
        define(PREFERENCES_HALF_LIFE_DAYS, "180", "Half-life in days of the time decay of preferences.");
        define(PREFERENCES_SENSITIVITY_PRIOR_LINES, "10", "Weight, in lines, of the population discount share in each customer's price sensitivity.");
        define(AFFINITY_TOP_K, "20", "Products ranked per customer in product_affinity.");
        define(AFFINITY_HORIZON_DAYS, "30", "Window in days a buy-again item is scored for: the chance it is bought again within this many days.");
        define(AFFINITY_HALF_LIFE_DAYS, "90", "Half-life in days of the time decay of a customer's product affinities.");
        define(AFFINITY_ACTIVE_P_ALIVE, "0.05", "Customers with p_alive at or above this value are active and get a ranking (0 = every customer).");
        define(AFFINITY_MAX_PER_CATEGORY, "8", "At most this many products of one category in a customer's ranking (diversity).");
        define(AFFINITY_EXCLUDE_DURABLE_DAYS, "30", "A product that is not replenishable and was bought within this many days is not recommended again.");
        define(AFFINITY_CYCLE_PRIOR_GAPS, "2", "Weight, in gaps, of the product's population cycle in a customer's own cycle for it.");
        define(AFFINITY_CANDIDATES_PER_SOURCE, "50", "Candidates each scorer proposes per customer before blending.");
        define(AFFINITY_POPULARITY_DAYS, "90", "Popularity counts the distinct buyers of a product over this many days up to the as-of date.");
        define(AFFINITY_CO_OCCURRENCE_MIN_BASKETS, "2", "Two products are related when at least this many baskets hold both.");
        define(AFFINITY_CO_OCCURRENCE_NEIGHBOURS, "20", "Most similar products kept per product.");
        define(AFFINITY_CO_OCCURRENCE_MAX_BASKET_PRODUCTS, "50", "Baskets with more distinct products than this (bulk or business orders) are left out of co-occurrence counts.");
        define(AFFINITY_ALS_RANK, "16", "Latent factors of the ALS model.");
        define(AFFINITY_ALS_MAX_ITER, "10", "ALS iterations.");
        define(AFFINITY_ALS_REG_PARAM, "0.1", "ALS regularisation.");
        define(AFFINITY_ALS_ALPHA, "10", "ALS implicit-feedback confidence scale: confidence = 1 + alpha * log(1 + decayed purchase days).");
        define(AFFINITY_ALS_BLOCKS, "0", "User and item blocks of ALS; 0 = the session's default parallelism.");
        define(AFFINITY_ALS_CHECKPOINT_INTERVAL, "5", "Checkpoint the ALS factors every this many iterations (bounds the lineage).");
        define(AFFINITY_WEIGHT_BUY_AGAIN, "1.0", "Weight (0..1) of the buy-again score in the blend.");
        define(AFFINITY_WEIGHT_COLLABORATIVE, "0.01", "Weight (0..1) of the ALS score in the blend (for products the customer has not bought).");
        define(AFFINITY_WEIGHT_CO_OCCURRENCE, "0", "Weight (0..1) of the co-occurrence score in the blend; 0 = computed only by evaluate-affinity.");
        define(AFFINITY_WEIGHT_POPULARITY, "0.01", "Weight (0..1) of the popular-in-category score in the blend (for products the customer has not bought).");
        define(AFFINITY_EXCLUDED_PRODUCTS, "", "Comma-separated product ids that are not products (postage, fees, discounts): never ranked, learnt from or evaluated.");
        define(AFFINITY_RANKER_RETRAIN_DAYS, "7", "Retrain the learned ranker when its last training is this many days old (1 = nightly); otherwise reuse it.");
        define(AFFINITY_RANKER_MODEL, "auto", "Learned ranker: auto (the best on held-out customers of gbt, logistic and the single-score tifu_knn and buy_again), or one of these.");
        define(AFFINITY_RANKER_TRAINING_CUSTOMERS, "200000", "At most this many customers (a hash sample) train the ranker.");
        define(AFFINITY_TIFU_GROUP_SIZE, "7", "TIFU-KNN group size m: consecutive baskets per group (Hu et al. 2020).");
        define(AFFINITY_TIFU_WITHIN_GROUP_DECAY, "0.9", "TIFU-KNN r_b: decay of older baskets within a group.");
        define(AFFINITY_TIFU_ACROSS_GROUP_DECAY, "0.7", "TIFU-KNN r_g: decay of older groups.");
        define(AFFINITY_TIFU_NEIGHBOURS, "300", "TIFU-KNN k: nearest customers whose vectors are blended in.");
        define(AFFINITY_TIFU_ALPHA, "0.7", "TIFU-KNN alpha: weight of the customer's own vector against the neighbours' mean.");
        define(AFFINITY_TIFU_POOL_SIZE, "20000", "TIFU-KNN neighbours are searched among this many customers (all of them when there are no more; otherwise a fixed sample by id hash), which bounds the search per customer at any size.");
        define(AFFINITY_TIFU_MAX_PRODUCTS, "100", "TIFU-KNN scores kept per customer beyond the customer's own products: the best this many products that only the neighbours bought.");
        define(OFFERS_CAMPAIGNS_FILE, "conf/campaigns.properties", "Campaign definitions; a relative path is resolved against onetoone.home / ONETOONE_HOME, else the working directory.");
        define(OFFERS_GLOBAL_BUDGET, "5000", "Budget over all campaigns per run, in expected discount cost plus contact cost (currency).");
        define(OFFERS_MAX_CONTACTS, "2", "At most this many offers sent to a customer per rolling contact window (today's included).");
        define(OFFERS_CONTACT_WINDOW_DAYS, "30", "Length in days of the rolling contact window.");
        define(OFFERS_COOLDOWN_DAYS, "7", "No new offer for this many days after an offer was sent; 0 = no cool-down.");
        define(OFFERS_SUPPRESSION_FILE, "", "CSV file with a customer_id column: customers who never get an offer; empty for none.");
        define(OFFERS_SALT, "onetoone", "Salt of the hash that assigns customers to holdout, control and explore groups; change it to redraw the groups.");
        define(OFFERS_HOLDOUT_SHARE, "0.05", "Share of customers in the global holdout (no offer from any campaign).");
        define(OFFERS_CONTROL_SHARE, "0.5", "Share of each campaign's chosen customers withheld as its control group.");
        define(OFFERS_EXPLORE_SHARE, "0.02", "Share of customers who get a randomly chosen eligible offer instead of the optimised one.");
        define(OFFERS_RESPONSE_ELASTICITY, "8.0", "Response model: logit(p_with) = logit(p_without) + elasticity x price_sensitivity x discount fraction.");
        define(OFFERS_LEARNED_RESPONSE_MIN_OUTCOMES, "2000", "A campaign prices its offers with the response learned from its logged outcomes (response_model) once it has at least this many treatment, explore and control rows whose validity window has closed, and the fit passes its checks; until then with offers.response-elasticity.");
        define(OFFERS_MARGIN_FLOOR, "0.1", "Lowest margin share left after a discount, unless the campaigns file sets one for the product or category (0..1).");
        define(OFFERS_POINT_VALUE, "0.01", "Cost to the retailer of one loyalty point, in currency.");
        define(OFFERS_BISECTION_STEPS, "20", "Bisection steps of the budget shadow prices (one Spark aggregate each).");
        define(OFFERS_CONTACT_COST_EMAIL, "0.02", "Cost in currency of sending one offer by e-mail; spent from the budgets.");
        define(OFFERS_CONTACT_COST_SMS, "0.08", "Cost in currency of sending one offer by SMS; spent from the budgets.");
        define(OFFERS_CONTACT_COST_PUSH, "0.005", "Cost in currency of sending one offer by push notification; spent from the budgets.");
        define(OFFERS_FATIGUE_COST, "0.01", "Fatigue cost in currency of each earlier offer sent to the customer within the contact window (today's included); not spent from the budgets.");
        define(OFFERS_MIN_NET_MARGIN, "0", "An offer is sent only when its expected incremental margin minus contact and fatigue costs is above this (currency).");
        define(LOYALTY_FILE, "conf/loyalty.properties", "Loyalty programme configuration (earning rules, expiry, tiers, referrals; docs/loyalty.md); resolved like offers.campaigns-file.");
        define(LOCK_STALE_AFTER_HOURS, "24", "A run lock older than this many hours is stale and taken over (a lock of a dead process on the same host is stale at once).");
        define(MAINTENANCE_VACUUM_RETENTION_HOURS, "168", "maintain and forget: VACUUM removes files no longer in the table that are older than this many hours (Delta's default is 168).");
        define(MAINTENANCE_QUARANTINE_RAW_RETENTION_DAYS, "90", "maintain: raw records of quarantined rows older than this many days are blanked (reasons and counts are kept).");
        define(CATALOG_DATABASE, "onetoone", "register-tables: database (schema) the tables are registered in.");
        define(GATES_MAX_VOLUME_DROP, "0.9", "nightly: stop (exit code 3) when a load has this share fewer lines per purchase day than the previous load (0..1; 1 = never).");
        define(GATES_MODEL_NOT_CONVERGED, "fail", "nightly: fail (exit code 3) or warn when a model fit behind the scores did not converge and no earlier fit could be kept.");
        define(GATES_MAX_KEPT_FIT_AGE_DAYS, "28", "nightly: stop (exit code 3) when the scores rest on parameters kept from a fit this many days old or older.");
    }

    private ConfigKeys() {
    }

    private static void define(String name, String defaultValue, String description) {
        KEYS.put(name, new Key(name, defaultValue, description));
    }

    public static Map<String, Key> all() {
        return Collections.unmodifiableMap(KEYS);
    }

    public static boolean isKnown(String name) {
        return KEYS.containsKey(name);
    }
}
