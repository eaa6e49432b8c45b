package dev.onetoone.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds {@code manifest.json}: the config that produced a data set, the population parameters
 * under the names the papers use, and the realised statistics, so that a consumer can check a fit
 * against the truth without reading the generator's code.
 */
final class ManifestWriter {

    static final int FORMAT_VERSION = 1;

    private ManifestWriter() {
    }

    static String manifest(GeneratorConfig config, GeneratorSummary summary) {
        PopulationParameters parameters = config.parameters();
        ObjectNode json = Json.object()
                .put("format_version", FORMAT_VERSION)
                .put("generator", SyntheticDataGenerator.class.getName())
                .put("seed", config.seed())
                .put("customers", config.customers())
                .put("start", config.start().toString())
                .put("end", config.end().toString())
                .put("end_inclusive", true)
                .put("window_end_exclusive", config.end().plusDays(1) + " 00:00:00")
                .put("process", config.process().name())
                .put("time_unit", "weeks")
                .put("timestamp_format", "yyyy-MM-dd HH:mm:ss");
        Json.put(json, "return_rate", config.returnRate());

        ObjectNode population = json.putObject("population_parameters");
        ObjectNode purchase = population.putObject("purchase").put("model", config.process().name());
        Json.put(purchase, "r", parameters.r());
        Json.put(purchase, "alpha", parameters.alpha());
        if (config.process() == PurchaseProcess.PARETO_NBD) {
            Json.put(purchase, "s", parameters.s());
            Json.put(purchase, "beta", parameters.beta());
        } else {
            Json.put(purchase, "a", parameters.a());
            Json.put(purchase, "b", parameters.b());
        }
        purchase.put("dropout_after_first_purchase", config.process() == PurchaseProcess.MBG_NBD);
        ObjectNode spend = population.putObject("spend").put("model", "GAMMA_GAMMA");
        Json.put(spend, "p", parameters.p());
        Json.put(spend, "q", parameters.q());
        Json.put(spend, "gamma", parameters.gamma());
        Json.put(spend, "mean_spend_per_purchase", parameters.meanSpendPerPurchase());

        json.putObject("catalogue")
                .put("products", summary.products())
                .put("categories", ProductCategory.values().length)
                .put("stores", summary.stores());

        ObjectNode realised = json.putObject("realised")
                .put("transaction_lines", summary.transactionLines())
                .put("purchase_lines", summary.purchaseLines())
                .put("return_lines", summary.returnLines());
        Json.put(realised, "return_line_share", summary.returnLineShare());
        realised.put("baskets", summary.baskets())
                .put("one_time_buyers", summary.oneTimeBuyers());
        Json.put(realised, "one_time_buyers_share", summary.oneTimeBuyerShare());
        Json.put(realised, "mean_purchase_events_per_customer", summary.meanPurchaseEventsPerCustomer());
        realised.put("max_purchase_events_per_customer", summary.maxPurchaseEventsPerCustomer())
                .put("p99_purchase_events_per_customer", summary.p99PurchaseEventsPerCustomer())
                .put("customers_alive_at_end", summary.customersAliveAtEnd());
        Json.put(realised, "mean_basket_amount", summary.meanBasketAmount());
        Json.put(realised, "mean_target_spend", summary.meanTargetSpend());
        Json.put(realised, "mean_absolute_relative_basket_deviation", summary.meanAbsoluteRelativeBasketDeviation());

        ArrayNode files = json.putArray("files");
        summary.filesWritten().forEach(files::add);
        return Json.pretty(json);
    }
}
