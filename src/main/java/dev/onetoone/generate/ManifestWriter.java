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
        return Json.pretty(manifestJson(config, summary));
    }

    /**
     * The manifest with a {@code hidden_structure} section: the options, the constants that shape them, the realised
     * counts, and per product its taste vector and peak month (0 when it has no season). The customers' side (wholesale
     * flag and taste vector) is in {@link SyntheticDataGenerator#STRUCTURE_TRUTH_FILE}, one row per customer.
     */
    static String manifest(GeneratorConfig config, GeneratorSummary summary, ProductCatalog catalogue,
            ProductStructure products, long wholesaleCustomers) {
        ObjectNode json = manifestJson(config, summary);
        HiddenStructure structure = config.structure();
        ObjectNode hidden = json.putObject("hidden_structure");
        hidden.put("taste_factors", structure.tasteFactors());
        Json.put(hidden, "taste_strength", structure.tasteStrength());
        hidden.put("taste_weight", "popularity * exp(taste_strength * dot(customer_taste, product_taste) / sqrt(taste_factors))"
                + " among the products of the chosen category, for picks that are not repeats");
        Json.put(hidden, "wholesale_share", structure.wholesaleShare());
        Json.put(hidden, "wholesale_spend_factor", HiddenStructure.WHOLESALE_SPEND_FACTOR);
        hidden.put("wholesale_case_size", HiddenStructure.WHOLESALE_CASE_SIZE);
        hidden.put("wholesale_customers", wholesaleCustomers);
        Json.put(hidden, "seasonal_share", structure.seasonalShare());
        Json.put(hidden, "seasonal_concentration", HiddenStructure.SEASONAL_CONCENTRATION);
        hidden.put("seasonal_weight", "exp(seasonal_concentration * (cos(2 pi (month_position - (peak_month - 0.5)) / 12) - 1)),"
                + " month_position 0 at 1 January and 12 at 31 December");
        hidden.put("seasonal_products", products.seasonalProducts());
        hidden.put("customer_truth_file", SyntheticDataGenerator.STRUCTURE_TRUTH_FILE);
        ObjectNode byProduct = hidden.putObject("products");
        for (Product product : catalogue.products()) {
            ObjectNode entry = byProduct.putObject(product.id());
            entry.put("peak_month", products.peakMonth(product.index()));
            ArrayNode vector = entry.putArray("taste");
            for (double coordinate : products.tasteVector(product.index())) {
                vector.add(coordinate);
            }
        }
        return Json.pretty(json);
    }

    private static ObjectNode manifestJson(GeneratorConfig config, GeneratorSummary summary) {
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
        return json;
    }
}
