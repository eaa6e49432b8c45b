package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;

import java.nio.file.Files;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.ConfigKeys;
import dev.onetoone.config.ConfigLoader;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.offers.Campaigns;
import dev.onetoone.offers.LearnedResponse;
import dev.onetoone.offers.OfferGroup;
import dev.onetoone.offers.OfferInputs;
import dev.onetoone.offers.OfferSettings;
import dev.onetoone.offers.OfferSelection;
import dev.onetoone.offers.ResponseLearner;

/**
 * The offers stage for one as-of date: reads the campaigns file, customer_model, customers, products,
 * product_affinity (optional), earlier offers and the suppression list; writes that date's rows of {@code offers}
 * and {@code budget_shadow_prices} (replaced on a rerun), and one CSV export per channel of the offers sent, under
 * {@code <warehouse>/exports/offers/as_of=<date>/channel=<channel>/}.
 */
public final class OffersRunner {
    /** Run log details: campaigns priced with their learned response, and with the assumed one. */
    public static final String RESPONSE_LEARNED_CAMPAIGNS = "response_learned_campaigns";
    public static final String RESPONSE_ASSUMED_CAMPAIGNS = "response_assumed_campaigns";
    private final RunContext context;
    private final RunLog runLog;

    public OffersRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    public StageResult run(LocalDate asOf) {
        return runLog.run("offers", asOf, () -> offers(asOf));
    }

    /** Directory of the CSV exports of one as-of date. */
    public static String exportDirectory(Warehouse warehouse, LocalDate asOf) {
        return warehouse.root() + "/exports/offers/as_of=" + asOf;
    }

    private StageResult offers(LocalDate asOf) {
        var config = context.config().offers();
        Warehouse warehouse = context.warehouse();
        Campaigns campaigns = Campaigns.load(ConfigLoader.resolveFile(config.campaignsFile()));
        Dataset<Row> models = warehouse.read(Tables.CUSTOMER_MODEL);
        long modelled = warehouse.readAsOf(Tables.CUSTOMER_MODEL, asOf).count();
        Map<String, Long> details = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        if (modelled == 0) {
            details.put(StageResult.WARNINGS, 1L);
            return new StageResult("offers", 0, 0, 0, "offers: WARNING: no customer_model rows for " + asOf + "; no offers decided", details);
        }
        Optional<Dataset<Row>> affinity = Optional.empty();
        if (warehouse.exists(Tables.PRODUCT_AFFINITY)) {
            // A ranking written by an earlier version may lack a newer column (new_rank): read as null, as for its rows.
            Dataset<Row> rows = Warehouse.withMissingColumns(Tables.PRODUCT_AFFINITY, warehouse.readAsOf(Tables.PRODUCT_AFFINITY, asOf));
            if (!rows.isEmpty()) {
                affinity = Optional.of(rows);
            }
        }
        List<LearnedResponse> fits = learnResponses(asOf, campaigns, models);
        // by campaign id, so that the campaigns named in the message come sorted
        Map<String, LearnedResponse> used = new TreeMap<>();
        fits.stream().filter(LearnedResponse::used).forEach(fit -> used.put(fit.campaignId(), fit));
        var settings = new OfferSettings(config, context.config().model().margin(), campaigns, used);
        var inputs = new OfferInputs(models, warehouse.read(Tables.CUSTOMERS), warehouse.read(Tables.PRODUCTS), affinity,
                warehouse.read(Tables.OFFERS), suppressed(config.suppressionFile()));
        OfferSelection.Result result = new OfferSelection(asOf, settings, context.runId()).run(inputs);
        warnings.addAll(result.warnings());
        warehouse.overwriteAsOf(Tables.OFFERS, result.offers(), asOf);
        result.offers().unpersist();
        warehouse.overwriteAsOf(Tables.BUDGET_SHADOW_PRICES, result.shadowPrices(), asOf);

        Dataset<Row> written = warehouse.readAsOf(Tables.OFFERS, asOf);
        details.putAll(result.details());
        long rows = 0;
        for (Row row : written.groupBy("offer_group").count().orderBy("offer_group").collectAsList()) {
            details.put("group_" + row.getString(0), row.getLong(1));
            rows += row.getLong(1);
        }
        export(written, exportDirectory(warehouse, asOf));
        List<String> learned = List.copyOf(used.keySet());
        List<String> assumed = fits.stream().map(LearnedResponse::campaignId).filter(id -> !learned.contains(id)).sorted().toList();
        details.put(RESPONSE_LEARNED_CAMPAIGNS, (long) learned.size());
        details.put(RESPONSE_ASSUMED_CAMPAIGNS, (long) assumed.size());
        Row spend = warehouse.readAsOf(Tables.BUDGET_SHADOW_PRICES, asOf).where(col("budget").equalTo("global"))
                .select("expected_spend", "budget_amount").first();
        long sent = details.getOrDefault("group_treatment", 0L) + details.getOrDefault("group_explore", 0L);
        String message = String.format(java.util.Locale.ROOT,
                "offers: %d sent (%d treatment, %d explore), %d withheld (%d control, %d holdout) as of %s; expected spend %.2f of %.2f;"
                        + " expected margin of the offers sent net of contact costs %.2f; %d candidates below their contact cost",
                sent, details.getOrDefault("group_treatment", 0L), details.getOrDefault("group_explore", 0L),
                details.getOrDefault("group_control", 0L) + details.getOrDefault("group_holdout", 0L),
                details.getOrDefault("group_control", 0L), details.getOrDefault("group_holdout", 0L), asOf,
                spend.getDouble(0), spend.getDouble(1), details.getOrDefault("sent_net_expected_margin_cents", 0L) / 100.0,
                details.getOrDefault(OfferSelection.DROPPED_BELOW_CONTACT_COST, 0L));
        message += learned.isEmpty() ? "; response assumed (elasticity " + config.responseElasticity() + ") for every campaign"
                : "; response learned for " + learned.stream().map(id -> used.get(id).elasticity() == null
                        ? String.format(java.util.Locale.ROOT, "%s (uplift %.3f)", id, used.get(id).sentUplift())
                        : String.format(java.util.Locale.ROOT, "%s (elasticity %.2f)", id, used.get(id).elasticity())).toList()
                        + ", assumed for " + assumed;
        if (!warnings.isEmpty()) {
            details.put(StageResult.WARNINGS, (long) warnings.size());
            message += "; WARNING: " + String.join("; ", warnings);
        }
        return new StageResult("offers", details.getOrDefault("candidate_options", 0L), rows, 0, message, details);
    }

    /**
     * Fits each campaign's response to the logged outcomes known before {@code asOf} ({@link ResponseLearner}) and
     * replaces the night's rows of {@code response_model}.
     */
    private List<LearnedResponse> learnResponses(LocalDate asOf, Campaigns campaigns, Dataset<Row> models) {
        var config = context.config().offers();
        Warehouse warehouse = context.warehouse();
        List<String> ids = campaigns.campaigns().stream().map(campaign -> campaign.id()).toList();
        var learner = new ResponseLearner(config.responseElasticity(), config.learnedResponseMinOutcomes());
        // the offers table read before tonight's rows are written: the fit learns from earlier nights only
        List<LearnedResponse> fits = learner.learn(warehouse.read(Tables.OFFERS), warehouse.read(Tables.TRANSACTIONS),
                warehouse.read(Tables.PRODUCTS), models, asOf, ids);
        Date day = Date.valueOf(asOf);
        Timestamp now = Timestamp.from(context.now());
        List<Row> rows = new ArrayList<>();
        for (LearnedResponse fit : fits) {
            rows.add(RowFactory.create(day, fit.campaignId(), fit.outcomes(), fit.purchases(), fit.sentRows(), fit.withheldRows(),
                    config.learnedResponseMinOutcomes() * 1L, fit.fitted(), fit.coefficients(), fit.priorElasticity(), fit.elasticity(),
                    fit.elasticityStandardError(), fit.fitted() ? fit.sentUplift() : null, fit.validationRows(), fit.logLossLearned(),
                    fit.logLossPrior(), fit.aucLearned(), fit.aucPrior(), fit.converged(), fit.used(), fit.reason(), now));
        }
        warehouse.overwriteAsOf(Tables.RESPONSE_MODEL, warehouse.spark().createDataFrame(rows, Tables.RESPONSE_MODEL.schema()), asOf);
        return fits;
    }

    private Dataset<Row> suppressed(String file) {
        var spark = context.warehouse().spark();
        if (file.isBlank()) {
            return spark.createDataFrame(List.of(), Tables.CUSTOMERS.schema()).select("customer_id");
        }
        var path = ConfigLoader.resolveFile(file);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("suppression file not found: " + path + " (configuration key '" + ConfigKeys.OFFERS_SUPPRESSION_FILE + "')");
        }
        Dataset<Row> rows = spark.read().option("header", "true").csv(path.toString());
        if (!Arrays.asList(rows.columns()).contains("customer_id")) {
            throw new ConfigException("suppression file " + path + " has no customer_id column (configuration key '"
                    + ConfigKeys.OFFERS_SUPPRESSION_FILE + "'); columns are " + Arrays.toString(rows.columns()));
        }
        return rows.select(col("customer_id")).where(col("customer_id").isNotNull());
    }

    /** CSV files of the offers sent, one directory per channel, for systems that cannot read Delta. */
    private static void export(Dataset<Row> offers, String directory) {
        offers.where(OfferGroup.isSent(col("offer_group")))
                .select(col("offer_id"), col("customer_id"), col("campaign_id"), col("offer_form"), col("target_kind"),
                        col("target_product_id"), col("target_category"), col("discount_percent"), col("discount_amount"),
                        col("bonus_points"), col("valid_from"), col("valid_to"), col("offer_group"),
                        concat_ws(";", col("reason_codes")).as("reason_codes"), col("channel"))
                .orderBy("channel", "customer_id", "campaign_id")
                .write().mode("overwrite").option("header", "true").partitionBy("channel").csv(directory);
    }
}
