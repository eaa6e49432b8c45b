package dev.onetoone.generate;

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
        JsonWriter json = new JsonWriter().beginObject();
        json.field("format_version", FORMAT_VERSION)
                .field("generator", SyntheticDataGenerator.class.getName())
                .field("seed", config.seed())
                .field("customers", config.customers())
                .field("start", config.start().toString())
                .field("end", config.end().toString())
                .field("end_inclusive", true)
                .field("window_end_exclusive", config.end().plusDays(1) + " 00:00:00")
                .field("process", config.process().name())
                .field("time_unit", "weeks")
                .field("timestamp_format", "yyyy-MM-dd HH:mm:ss")
                .field("return_rate", config.returnRate());

        json.name("population_parameters").beginObject();
        json.name("purchase").beginObject().field("model", config.process().name());
        json.field("r", parameters.r()).field("alpha", parameters.alpha());
        if (config.process() == PurchaseProcess.PARETO_NBD) {
            json.field("s", parameters.s()).field("beta", parameters.beta());
        } else {
            json.field("a", parameters.a()).field("b", parameters.b());
        }
        json.field("dropout_after_first_purchase", config.process() == PurchaseProcess.MBG_NBD);
        json.endObject();
        json.name("spend").beginObject().field("model", "GAMMA_GAMMA")
                .field("p", parameters.p()).field("q", parameters.q()).field("gamma", parameters.gamma())
                .field("mean_spend_per_purchase", parameters.meanSpendPerPurchase())
                .endObject();
        json.endObject();

        json.name("catalogue").beginObject()
                .field("products", summary.products())
                .field("categories", ProductCategory.values().length)
                .field("stores", summary.stores())
                .endObject();

        json.name("realised").beginObject()
                .field("transaction_lines", summary.transactionLines())
                .field("purchase_lines", summary.purchaseLines())
                .field("return_lines", summary.returnLines())
                .field("return_line_share", summary.returnLineShare())
                .field("baskets", summary.baskets())
                .field("one_time_buyers", summary.oneTimeBuyers())
                .field("one_time_buyers_share", summary.oneTimeBuyerShare())
                .field("mean_purchase_events_per_customer", summary.meanPurchaseEventsPerCustomer())
                .field("max_purchase_events_per_customer", summary.maxPurchaseEventsPerCustomer())
                .field("p99_purchase_events_per_customer", summary.p99PurchaseEventsPerCustomer())
                .field("customers_alive_at_end", summary.customersAliveAtEnd())
                .field("mean_basket_amount", summary.meanBasketAmount())
                .field("mean_target_spend", summary.meanTargetSpend())
                .field("mean_absolute_relative_basket_deviation", summary.meanAbsoluteRelativeBasketDeviation())
                .endObject();

        json.name("files").beginArray();
        for (String file : summary.filesWritten()) {
            json.value(file);
        }
        json.endArray();
        return json.endObject().toJson();
    }
}
