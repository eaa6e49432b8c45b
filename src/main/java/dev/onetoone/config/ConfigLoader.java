package dev.onetoone.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.onetoone.model.PopulationModel;

/**
 * Builds a {@link OneToOneConfig} from layered sources, later layers winning: built-in defaults, the project's
 * {@code conf/onetoone.properties} (if present), an explicit {@code --conf} file, then {@code -D key=value}
 * overrides. Every key is checked; the first problem found is reported with the key's name.
 */
public final class ConfigLoader {
    /** How a bad value names where its key comes from. */
    private static final String SOURCE = "configuration";
    /** File name looked up in {@code $ONETOONE_HOME/conf} (or {@code ./conf}) when no explicit file is given. */
    public static final String DEFAULT_FILE = "conf/onetoone.properties";

    private final Map<String, String> values = new LinkedHashMap<>();

    public ConfigLoader() {
        ConfigKeys.all().values().forEach(key -> values.put(key.name(), key.defaultValue()));
    }

    /** Loads the default file from {@code onetoone.home} / {@code ONETOONE_HOME} or the working directory. */
    public ConfigLoader withDefaultFile() {
        String home = System.getProperty("onetoone.home", System.getenv("ONETOONE_HOME"));
        Path file = home == null ? Path.of(DEFAULT_FILE) : Path.of(home).resolve(DEFAULT_FILE);
        if (Files.isRegularFile(file)) {
            withFile(file);
        }
        return this;
    }

    /**
     * A file named in the configuration: absolute paths as given, relative ones against {@code onetoone.home} /
     * {@code ONETOONE_HOME} when set (like the default configuration file), else against the working directory.
     */
    public static Path resolveFile(String name) {
        Path path = Path.of(name);
        String home = System.getProperty("onetoone.home", System.getenv("ONETOONE_HOME"));
        return path.isAbsolute() || home == null ? path : Path.of(home).resolve(path);
    }

    public ConfigLoader withFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file not found: " + file);
        }
        var properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        properties.stringPropertyNames().forEach(name -> set(name, properties.getProperty(name), file.toString()));
        return this;
    }

    public ConfigLoader withOverrides(Map<String, String> overrides) {
        if (overrides != null) {
            new TreeMap<>(overrides).forEach((name, value) -> set(name, value, "-D"));
        }
        return this;
    }

    private void set(String name, String value, String origin) {
        String key = name.trim();
        if (!ConfigKeys.isKnown(key) && !key.startsWith(ConfigKeys.SPARK_PREFIX) && !key.startsWith(ConfigKeys.MAPPING_PREFIX)) {
            throw new ConfigException("unknown configuration key '" + key + "' (from " + origin + "); known keys: "
                    + String.join(", ", ConfigKeys.all().keySet()) + ", spark.*, mapping.<entity>.<column>");
        }
        values.put(key, value == null ? "" : value.trim());
    }

    public OneToOneConfig load() {
        String warehouse = nonEmpty(ConfigKeys.WAREHOUSE);
        ZoneId zone;
        try {
            zone = ZoneId.of(nonEmpty(ConfigKeys.TIME_ZONE));
        } catch (DateTimeException e) {
            throw bad(ConfigKeys.TIME_ZONE, "a time zone id such as UTC or Europe/Berlin");
        }
        String currency = nonEmpty(ConfigKeys.CURRENCY);
        if (!currency.matches("[A-Z]{3}")) {
            throw bad(ConfigKeys.CURRENCY, "a three-letter ISO 4217 code such as EUR");
        }
        String delimiter = values.get(ConfigKeys.INGEST_DELIMITER);
        if (delimiter == null || delimiter.isEmpty()) {
            throw bad(ConfigKeys.INGEST_DELIMITER, "one character, e.g. ',' or ';' or \\t");
        }
        if (delimiter.equals("\\t")) {
            delimiter = "\t";
        }
        if (delimiter.length() != 1) {
            throw bad(ConfigKeys.INGEST_DELIMITER, "one character, e.g. ',' or ';' or \\t");
        }
        var ingest = new IngestConfig(
                delimiter,
                formats(ConfigKeys.INGEST_TIMESTAMP_FORMATS),
                formats(ConfigKeys.INGEST_DATE_FORMATS),
                optionalDate(ConfigKeys.INGEST_HISTORY_START),
                intInRange(ConfigKeys.INGEST_FUTURE_TOLERANCE_DAYS, 0, 3650),
                doubleInRange(ConfigKeys.INGEST_MAX_QUARANTINE_SHARE, 0.0, 1.0),
                zeroValuePolicy(),
                values.get(ConfigKeys.INGEST_CANCELLATION_PREFIX),
                bool(ConfigKeys.INGEST_RETURN_MARKER_REQUIRED),
                mappings(),
                positiveFinite(ConfigKeys.INGEST_MAX_QUANTITY),
                positiveFinite(ConfigKeys.INGEST_MAX_AMOUNT),
                intInRange(ConfigKeys.INGEST_AS_OF_MAX_DAYS_AHEAD, 0, 36500));
        var rfm = new OneToOneConfig.RfmConfig(doubleInRange(ConfigKeys.RFM_QUANTILE_RELATIVE_ERROR, 0.0, 0.1));
        String purchaseModelCode = nonEmpty(ConfigKeys.MODEL_PURCHASE_MODEL);
        PopulationModel purchaseModel = Arrays.stream(PopulationModel.values())
                .filter(kind -> kind.isPurchaseModel() && kind.code().equals(purchaseModelCode)).findFirst()
                .orElseThrow(() -> bad(ConfigKeys.MODEL_PURCHASE_MODEL, "bg_nbd, mbg_nbd or pareto_nbd"));
        var model = new OneToOneConfig.ModelConfig(
                doubleInRange(ConfigKeys.MODEL_TIME_UNIT_DAYS, 1.0, 365.0),
                purchaseModel,
                intInRange(ConfigKeys.MODEL_REFIT_DAYS, 1, 3650),
                intInRange(ConfigKeys.MODEL_MIN_CUSTOMERS, 1, Integer.MAX_VALUE),
                doubleInRange(ConfigKeys.MODEL_SMALL_POPULATION_PENALTY, 0.0, 100.0),
                bool(ConfigKeys.MODEL_FIT_PARETO_NBD),
                intInRange(ConfigKeys.MODEL_CLV_HORIZON_DAYS, 1, 3650),
                doubleInRange(ConfigKeys.MODEL_MARGIN, 0.0, 1.0),
                doubleInRange(ConfigKeys.MODEL_ANNUAL_DISCOUNT_RATE, 0.0, 1.0),
                doubleInRange(ConfigKeys.MODEL_RHYTHM_PRIOR_PURCHASES, 0.0, 1000.0),
                doubleInRange(ConfigKeys.PREFERENCES_HALF_LIFE_DAYS, 1.0, 36500.0),
                doubleInRange(ConfigKeys.PREFERENCES_SENSITIVITY_PRIOR_LINES, 0.0, 1_000_000.0));
        var affinity = new OneToOneConfig.AffinityConfig(
                intInRange(ConfigKeys.AFFINITY_TOP_K, 1, 1000),
                intInRange(ConfigKeys.AFFINITY_HORIZON_DAYS, 1, 3650),
                doubleInRange(ConfigKeys.AFFINITY_HALF_LIFE_DAYS, 1.0, 36500.0),
                doubleInRange(ConfigKeys.AFFINITY_ACTIVE_P_ALIVE, 0.0, 1.0),
                intInRange(ConfigKeys.AFFINITY_MAX_PER_CATEGORY, 1, 1000),
                intInRange(ConfigKeys.AFFINITY_EXCLUDE_DURABLE_DAYS, 0, 36500),
                doubleInRange(ConfigKeys.AFFINITY_CYCLE_PRIOR_GAPS, 0.0, 1000.0),
                intInRange(ConfigKeys.AFFINITY_CANDIDATES_PER_SOURCE, 1, 10_000),
                intInRange(ConfigKeys.AFFINITY_POPULARITY_DAYS, 1, 36500),
                intInRange(ConfigKeys.AFFINITY_CO_OCCURRENCE_MIN_BASKETS, 1, Integer.MAX_VALUE),
                intInRange(ConfigKeys.AFFINITY_CO_OCCURRENCE_NEIGHBOURS, 1, 10_000),
                intInRange(ConfigKeys.AFFINITY_CO_OCCURRENCE_MAX_BASKET_PRODUCTS, 2, 10_000),
                intInRange(ConfigKeys.AFFINITY_ALS_RANK, 1, 1000),
                intInRange(ConfigKeys.AFFINITY_ALS_MAX_ITER, 1, 1000),
                doubleInRange(ConfigKeys.AFFINITY_ALS_REG_PARAM, 0.0, 1000.0),
                doubleInRange(ConfigKeys.AFFINITY_ALS_ALPHA, 0.0, 1_000_000.0),
                intInRange(ConfigKeys.AFFINITY_ALS_BLOCKS, 0, 100_000),
                intInRange(ConfigKeys.AFFINITY_ALS_CHECKPOINT_INTERVAL, 1, 1000),
                doubleInRange(ConfigKeys.AFFINITY_WEIGHT_BUY_AGAIN, 0.0, 1.0),
                doubleInRange(ConfigKeys.AFFINITY_WEIGHT_COLLABORATIVE, 0.0, 1.0),
                doubleInRange(ConfigKeys.AFFINITY_WEIGHT_CO_OCCURRENCE, 0.0, 1.0),
                doubleInRange(ConfigKeys.AFFINITY_WEIGHT_POPULARITY, 0.0, 1.0),
                new OneToOneConfig.RankerConfig(
                        Arrays.stream(values.getOrDefault(ConfigKeys.AFFINITY_EXCLUDED_PRODUCTS, "").split(","))
                                .map(String::trim).filter(s -> !s.isEmpty()).toList(),
                        intInRange(ConfigKeys.AFFINITY_RANKER_RETRAIN_DAYS, 1, 3650),
                        oneOf(ConfigKeys.AFFINITY_RANKER_MODEL, "auto", "gbt", "logistic", "tifu_knn", "buy_again"),
                        intInRange(ConfigKeys.AFFINITY_RANKER_TRAINING_CUSTOMERS, 100, Integer.MAX_VALUE),
                        intInRange(ConfigKeys.AFFINITY_TIFU_GROUP_SIZE, 1, 1000),
                        doubleInRange(ConfigKeys.AFFINITY_TIFU_WITHIN_GROUP_DECAY, 0.0, 1.0),
                        doubleInRange(ConfigKeys.AFFINITY_TIFU_ACROSS_GROUP_DECAY, 0.0, 1.0),
                        intInRange(ConfigKeys.AFFINITY_TIFU_NEIGHBOURS, 1, 100_000),
                        doubleInRange(ConfigKeys.AFFINITY_TIFU_ALPHA, 0.0, 1.0),
                        intInRange(ConfigKeys.AFFINITY_TIFU_POOL_SIZE, 1, 1_000_000),
                        intInRange(ConfigKeys.AFFINITY_TIFU_MAX_PRODUCTS, 1, 100_000)));
        if (affinity.weightBuyAgain() + affinity.weightCollaborative() + affinity.weightCoOccurrence() + affinity.weightPopularity() <= 0) {
            throw new ConfigException("the affinity.weight.* keys must not all be 0");
        }
        double holdoutShare = doubleInRange(ConfigKeys.OFFERS_HOLDOUT_SHARE, 0.0, 0.5);
        double exploreShare = doubleInRange(ConfigKeys.OFFERS_EXPLORE_SHARE, 0.0, 0.5);
        var offers = new OneToOneConfig.OffersConfig(
                nonEmpty(ConfigKeys.OFFERS_CAMPAIGNS_FILE),
                doubleInRange(ConfigKeys.OFFERS_GLOBAL_BUDGET, 0.0, 1e15),
                intInRange(ConfigKeys.OFFERS_MAX_CONTACTS, 0, 100),
                intInRange(ConfigKeys.OFFERS_CONTACT_WINDOW_DAYS, 1, 3650),
                intInRange(ConfigKeys.OFFERS_COOLDOWN_DAYS, 0, 3650),
                values.getOrDefault(ConfigKeys.OFFERS_SUPPRESSION_FILE, ""),
                nonEmpty(ConfigKeys.OFFERS_SALT),
                holdoutShare,
                doubleInRange(ConfigKeys.OFFERS_CONTROL_SHARE, 0.0, 0.95),
                exploreShare,
                doubleInRange(ConfigKeys.OFFERS_RESPONSE_ELASTICITY, 0.0, 100.0),
                doubleInRange(ConfigKeys.OFFERS_MARGIN_FLOOR, 0.0, 1.0),
                doubleInRange(ConfigKeys.OFFERS_POINT_VALUE, 0.0, 1e6),
                intInRange(ConfigKeys.OFFERS_BISECTION_STEPS, 1, 100),
                Map.of("email", doubleInRange(ConfigKeys.OFFERS_CONTACT_COST_EMAIL, 0.0, 1e6),
                        "sms", doubleInRange(ConfigKeys.OFFERS_CONTACT_COST_SMS, 0.0, 1e6),
                        "push", doubleInRange(ConfigKeys.OFFERS_CONTACT_COST_PUSH, 0.0, 1e6)),
                doubleInRange(ConfigKeys.OFFERS_FATIGUE_COST, 0.0, 1e6),
                doubleInRange(ConfigKeys.OFFERS_MIN_NET_MARGIN, 0.0, 1e6),
                intInRange(ConfigKeys.OFFERS_LEARNED_RESPONSE_MIN_OUTCOMES, 1, 1_000_000_000));
        var spark = new LinkedHashMap<String, String>();
        values.forEach((name, value) -> {
            if (name.startsWith(ConfigKeys.SPARK_PREFIX)) {
                spark.put(name, value);
            }
        });
        return new OneToOneConfig(warehouse, zone, currency, ingest, rfm, model, affinity, offers, nonEmpty(ConfigKeys.LOYALTY_FILE), spark, operations());
    }

    private OneToOneConfig.OperationsConfig operations() {
        String database = nonEmpty(ConfigKeys.CATALOG_DATABASE);
        if (!database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw bad(ConfigKeys.CATALOG_DATABASE, "a database name of letters, digits and underscores");
        }
        String notConverged = nonEmpty(ConfigKeys.GATES_MODEL_NOT_CONVERGED);
        if (!notConverged.equals("fail") && !notConverged.equals("warn")) {
            throw bad(ConfigKeys.GATES_MODEL_NOT_CONVERGED, "fail or warn");
        }
        return new OneToOneConfig.OperationsConfig(
                doubleInRange(ConfigKeys.LOCK_STALE_AFTER_HOURS, 0.01, 8760.0),
                doubleInRange(ConfigKeys.MAINTENANCE_VACUUM_RETENTION_HOURS, 0.0, 87600.0),
                intInRange(ConfigKeys.MAINTENANCE_QUARANTINE_RAW_RETENTION_DAYS, 1, 36500),
                database,
                doubleInRange(ConfigKeys.GATES_MAX_VOLUME_DROP, 0.0, 1.0),
                notConverged.equals("fail"),
                intInRange(ConfigKeys.GATES_MAX_KEPT_FIT_AGE_DAYS, 1, 3650));
    }

    private Map<SourceEntity, ColumnMapping> mappings() {
        var byEntity = new EnumMap<SourceEntity, Map<String, String>>(SourceEntity.class);
        for (var entry : values.entrySet()) {
            if (!entry.getKey().startsWith(ConfigKeys.MAPPING_PREFIX)) {
                continue;
            }
            String[] parts = entry.getKey().split("\\.", 3);
            SourceEntity entity = parts.length == 3 ? entityOf(parts[1]) : null;
            if (entity == null) {
                throw new ConfigException("bad mapping key '" + entry.getKey() + "': expected mapping.<entity>.<column> with entity one of "
                        + Arrays.stream(SourceEntity.values()).map(SourceEntity::key).toList());
            }
            if (!entity.canonicalColumns().contains(parts[2])) {
                throw new ConfigException("bad mapping key '" + entry.getKey() + "': '" + parts[2] + "' is not a column of "
                        + entity.key() + "; columns are " + entity.canonicalColumns());
            }
            if (entry.getValue().isEmpty()) {
                throw bad(entry.getKey(), "the name of a column in the source file");
            }
            byEntity.computeIfAbsent(entity, e -> new HashMap<>()).put(parts[2], entry.getValue());
        }
        var mappings = new EnumMap<SourceEntity, ColumnMapping>(SourceEntity.class);
        for (SourceEntity entity : SourceEntity.values()) {
            mappings.put(entity, new ColumnMapping(entity, byEntity.getOrDefault(entity, Map.of())));
        }
        return mappings;
    }

    private static SourceEntity entityOf(String name) {
        for (SourceEntity entity : SourceEntity.values()) {
            if (entity.key().equals(name)) {
                return entity;
            }
        }
        return null;
    }

    private IngestConfig.ZeroValuePolicy zeroValuePolicy() {
        String value = nonEmpty(ConfigKeys.INGEST_ZERO_VALUE_LINES).toUpperCase(Locale.ROOT);
        try {
            return IngestConfig.ZeroValuePolicy.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw bad(ConfigKeys.INGEST_ZERO_VALUE_LINES, "keep or quarantine");
        }
    }

    private List<String> formats(String key) {
        List<String> formats = Arrays.stream(nonEmpty(key).split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String format : formats) {
            try {
                java.time.format.DateTimeFormatter.ofPattern(format);
            } catch (IllegalArgumentException e) {
                throw bad(key, "';'-separated datetime patterns; '" + format + "' is not one (" + e.getMessage() + ")");
            }
        }
        return formats;
    }

    private String oneOf(String key, String... allowed) {
        String value = nonEmpty(key).toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(value)) {
            throw bad(key, "one of " + String.join(", ", allowed));
        }
        return value;
    }

    private String nonEmpty(String key) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new ConfigException("configuration key '" + key + "' must not be empty");
        }
        return value;
    }

    private LocalDate date(String key) {
        try {
            return LocalDate.parse(nonEmpty(key));
        } catch (DateTimeParseException e) {
            throw bad(key, "a date as yyyy-MM-dd");
        }
    }

    /** A date, or null when the value is empty. */
    private LocalDate optionalDate(String key) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? null : date(key);
    }

    /**
     * A positive finite number; up to 1e15, the largest magnitude that a money column (decimal(18, 2)) can hold,
     * so that a plausibility limit never lets through a value the table cannot store.
     */
    private double positiveFinite(String key) {
        try {
            double value = Double.parseDouble(nonEmpty(key));
            if (value > 0 && value <= 1e15) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the key's name
        }
        throw bad(key, "a positive number up to 1e15");
    }

    private int intInRange(String key, int min, int max) {
        return (int) SettingValues.integer(SOURCE, key, nonEmpty(key), min, max);
    }

    private double doubleInRange(String key, double min, double max) {
        return SettingValues.number(SOURCE, key, nonEmpty(key), min, max);
    }

    private boolean bool(String key) {
        return SettingValues.bool(SOURCE, key, nonEmpty(key));
    }

    private ConfigException bad(String key, String expected) {
        return SettingValues.bad(SOURCE, key, values.get(key), expected);
    }
}
