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
                integer(ConfigKeys.INGEST_FUTURE_TOLERANCE_DAYS),
                number(ConfigKeys.INGEST_MAX_QUARANTINE_SHARE),
                zeroValuePolicy(),
                values.get(ConfigKeys.INGEST_CANCELLATION_PREFIX),
                bool(ConfigKeys.INGEST_RETURN_MARKER_REQUIRED),
                mappings(),
                positiveFinite(ConfigKeys.INGEST_MAX_QUANTITY),
                positiveFinite(ConfigKeys.INGEST_MAX_AMOUNT),
                integer(ConfigKeys.INGEST_AS_OF_MAX_DAYS_AHEAD));
        var rfm = new OneToOneConfig.RfmConfig(number(ConfigKeys.RFM_QUANTILE_RELATIVE_ERROR));
        PopulationModel purchaseModel = PopulationModel.fromCode(oneOf(ConfigKeys.MODEL_PURCHASE_MODEL));
        var model = new OneToOneConfig.ModelConfig(
                number(ConfigKeys.MODEL_TIME_UNIT_DAYS),
                purchaseModel,
                integer(ConfigKeys.MODEL_REFIT_DAYS),
                integer(ConfigKeys.MODEL_MIN_CUSTOMERS),
                number(ConfigKeys.MODEL_SMALL_POPULATION_PENALTY),
                bool(ConfigKeys.MODEL_FIT_PARETO_NBD),
                integer(ConfigKeys.MODEL_CLV_HORIZON_DAYS),
                number(ConfigKeys.MODEL_MARGIN),
                number(ConfigKeys.MODEL_ANNUAL_DISCOUNT_RATE),
                number(ConfigKeys.MODEL_RHYTHM_PRIOR_PURCHASES),
                number(ConfigKeys.PREFERENCES_HALF_LIFE_DAYS),
                number(ConfigKeys.PREFERENCES_SENSITIVITY_PRIOR_LINES));
        var affinity = new OneToOneConfig.AffinityConfig(
                integer(ConfigKeys.AFFINITY_TOP_K),
                integer(ConfigKeys.AFFINITY_HORIZON_DAYS),
                number(ConfigKeys.AFFINITY_HALF_LIFE_DAYS),
                number(ConfigKeys.AFFINITY_ACTIVE_P_ALIVE),
                integer(ConfigKeys.AFFINITY_MAX_PER_CATEGORY),
                integer(ConfigKeys.AFFINITY_NEW_PRODUCTS),
                integer(ConfigKeys.AFFINITY_EXCLUDE_DURABLE_DAYS),
                number(ConfigKeys.AFFINITY_CYCLE_PRIOR_GAPS),
                integer(ConfigKeys.AFFINITY_CANDIDATES_PER_SOURCE),
                integer(ConfigKeys.AFFINITY_POPULARITY_DAYS),
                new OneToOneConfig.CoOccurrenceConfig(
                        integer(ConfigKeys.AFFINITY_CO_OCCURRENCE_MIN_BASKETS),
                        integer(ConfigKeys.AFFINITY_CO_OCCURRENCE_NEIGHBOURS),
                        integer(ConfigKeys.AFFINITY_CO_OCCURRENCE_MAX_BASKET_PRODUCTS)),
                new OneToOneConfig.AlsConfig(
                        integer(ConfigKeys.AFFINITY_ALS_RANK),
                        integer(ConfigKeys.AFFINITY_ALS_MAX_ITER),
                        number(ConfigKeys.AFFINITY_ALS_REG_PARAM),
                        number(ConfigKeys.AFFINITY_ALS_ALPHA),
                        integer(ConfigKeys.AFFINITY_ALS_BLOCKS),
                        integer(ConfigKeys.AFFINITY_ALS_CHECKPOINT_INTERVAL)),
                new OneToOneConfig.NoisyOrWeights(
                        number(ConfigKeys.AFFINITY_WEIGHT_BUY_AGAIN),
                        number(ConfigKeys.AFFINITY_WEIGHT_COLLABORATIVE),
                        number(ConfigKeys.AFFINITY_WEIGHT_CO_OCCURRENCE),
                        number(ConfigKeys.AFFINITY_WEIGHT_POPULARITY)),
                new OneToOneConfig.RankerConfig(
                        Arrays.stream(values.getOrDefault(ConfigKeys.AFFINITY_EXCLUDED_PRODUCTS, "").split(","))
                                .map(String::trim).filter(s -> !s.isEmpty()).toList(),
                        integer(ConfigKeys.AFFINITY_RANKER_RETRAIN_DAYS),
                        oneOf(ConfigKeys.AFFINITY_RANKER_MODEL),
                        integer(ConfigKeys.AFFINITY_RANKER_TRAINING_CUSTOMERS),
                        new OneToOneConfig.TifuConfig(
                                integer(ConfigKeys.AFFINITY_TIFU_GROUP_SIZE),
                                number(ConfigKeys.AFFINITY_TIFU_WITHIN_GROUP_DECAY),
                                number(ConfigKeys.AFFINITY_TIFU_ACROSS_GROUP_DECAY),
                                integer(ConfigKeys.AFFINITY_TIFU_NEIGHBOURS),
                                number(ConfigKeys.AFFINITY_TIFU_ALPHA),
                                integer(ConfigKeys.AFFINITY_TIFU_POOL_SIZE),
                                integer(ConfigKeys.AFFINITY_TIFU_MAX_PRODUCTS))));
        if (affinity.weights().buyAgain() + affinity.weights().collaborative() + affinity.weights().coOccurrence() + affinity.weights().popularity() <= 0) {
            throw new ConfigException("the affinity.weight.* keys must not all be 0");
        }
        double holdoutShare = number(ConfigKeys.OFFERS_HOLDOUT_SHARE);
        double exploreShare = number(ConfigKeys.OFFERS_EXPLORE_SHARE);
        var offers = new OneToOneConfig.OffersConfig(
                nonEmpty(ConfigKeys.OFFERS_CAMPAIGNS_FILE),
                number(ConfigKeys.OFFERS_GLOBAL_BUDGET),
                integer(ConfigKeys.OFFERS_MAX_CONTACTS),
                integer(ConfigKeys.OFFERS_CONTACT_WINDOW_DAYS),
                integer(ConfigKeys.OFFERS_COOLDOWN_DAYS),
                values.getOrDefault(ConfigKeys.OFFERS_SUPPRESSION_FILE, ""),
                nonEmpty(ConfigKeys.OFFERS_SALT),
                holdoutShare,
                number(ConfigKeys.OFFERS_CONTROL_SHARE),
                exploreShare,
                number(ConfigKeys.OFFERS_RESPONSE_ELASTICITY),
                number(ConfigKeys.OFFERS_MARGIN_FLOOR),
                number(ConfigKeys.OFFERS_POINT_VALUE),
                integer(ConfigKeys.OFFERS_BISECTION_STEPS),
                Map.of("email", number(ConfigKeys.OFFERS_CONTACT_COST_EMAIL),
                        "sms", number(ConfigKeys.OFFERS_CONTACT_COST_SMS),
                        "push", number(ConfigKeys.OFFERS_CONTACT_COST_PUSH)),
                number(ConfigKeys.OFFERS_FATIGUE_COST),
                number(ConfigKeys.OFFERS_MIN_NET_MARGIN),
                integer(ConfigKeys.OFFERS_LEARNED_RESPONSE_MIN_OUTCOMES));
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
        String notConverged = oneOf(ConfigKeys.GATES_MODEL_NOT_CONVERGED);
        return new OneToOneConfig.OperationsConfig(
                number(ConfigKeys.LOCK_STALE_AFTER_HOURS),
                number(ConfigKeys.MAINTENANCE_VACUUM_RETENTION_HOURS),
                integer(ConfigKeys.MAINTENANCE_QUARANTINE_RAW_RETENTION_DAYS),
                database,
                number(ConfigKeys.GATES_MAX_VOLUME_DROP),
                notConverged.equals("fail"),
                integer(ConfigKeys.GATES_MAX_KEPT_FIT_AGE_DAYS));
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
        return IngestConfig.ZeroValuePolicy.valueOf(oneOf(ConfigKeys.INGEST_ZERO_VALUE_LINES).toUpperCase(Locale.ROOT));
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

    /** A {@link ConfigKeys.Kind#CHOICE} key's value, in lower case: one of its choices. */
    private String oneOf(String key) {
        List<String> allowed = ConfigKeys.key(key).choices();
        String value = nonEmpty(key).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
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
        throw bad(key, ConfigKeys.key(key).allowed());
    }

    /** An {@link ConfigKeys.Kind#INTEGER} key's value, within the range its definition gives. */
    private int integer(String key) {
        ConfigKeys.Key definition = ConfigKeys.key(key);
        return (int) SettingValues.integer(SOURCE, key, nonEmpty(key), (long) definition.min(), (long) definition.max());
    }

    /** A {@link ConfigKeys.Kind#NUMBER} key's value, within the range its definition gives. */
    private double number(String key) {
        ConfigKeys.Key definition = ConfigKeys.key(key);
        return SettingValues.number(SOURCE, key, nonEmpty(key), definition.min(), definition.max());
    }

    private boolean bool(String key) {
        return SettingValues.bool(SOURCE, key, nonEmpty(key));
    }

    private ConfigException bad(String key, String expected) {
        return SettingValues.bad(SOURCE, key, values.get(key), expected);
    }
}
