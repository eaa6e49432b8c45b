package dev.onetoone.offers;

import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the offers stage reads, as the tables store it.
 *
 * @param customerModels   customer_model, every as-of date (the as-of date's rows, and earlier ones for win-back)
 * @param customers        customers (consent, opt-out, is_known)
 * @param products         products (price, unit_cost, category)
 * @param affinity         product_affinity for the as-of date; empty when the table has not been written
 * @param previousOffers   offers of earlier dates (contact policy); rows of the as-of date itself are ignored
 * @param suppressed       customer ids that never get an offer (one column customer_id)
 */
public record OfferInputs(Dataset<Row> customerModels, Dataset<Row> customers, Dataset<Row> products,
        Optional<Dataset<Row>> affinity, Dataset<Row> previousOffers, Dataset<Row> suppressed) {
}
