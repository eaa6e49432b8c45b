package dev.onetoone.generate;

import java.util.List;

/**
 * Realised statistics of one generated data set; the same numbers are written to
 * {@code manifest.json}.
 *
 * @param customers                          customers written
 * @param products                           products in the catalogue
 * @param stores                             physical stores
 * @param baskets                            purchase events (one transaction id each)
 * @param purchaseLines                      basket lines with positive quantity
 * @param returnLines                        return rows (negative quantity and amount)
 * @param oneTimeBuyers                      customers with exactly one purchase event
 * @param meanPurchaseEventsPerCustomer      baskets / customers
 * @param maxPurchaseEventsPerCustomer       largest number of purchase events of one customer
 * @param p99PurchaseEventsPerCustomer       99th percentile (nearest rank) of purchase events per customer
 * @param customersAliveAtEnd                customers whose latent state is alive at the end of the window
 * @param meanBasketAmount                   mean net basket amount (sum of line amounts, returns excluded)
 * @param meanTargetSpend                    mean Gamma-Gamma target z the baskets were filled towards
 * @param meanAbsoluteRelativeBasketDeviation mean of |amount - z| / z over baskets
 * @param filesWritten                       paths of the files written, relative to the output directory
 */
public record GeneratorSummary(
        int customers,
        int products,
        int stores,
        long baskets,
        long purchaseLines,
        long returnLines,
        long oneTimeBuyers,
        double meanPurchaseEventsPerCustomer,
        int maxPurchaseEventsPerCustomer,
        int p99PurchaseEventsPerCustomer,
        long customersAliveAtEnd,
        double meanBasketAmount,
        double meanTargetSpend,
        double meanAbsoluteRelativeBasketDeviation,
        List<String> filesWritten) {

    public GeneratorSummary {
        filesWritten = List.copyOf(filesWritten);
    }

    /** All rows of the transactions file: purchase lines plus return rows. */
    public long transactionLines() {
        return purchaseLines + returnLines;
    }

    public double oneTimeBuyerShare() {
        return customers == 0 ? 0.0 : (double) oneTimeBuyers / customers;
    }

    public double returnLineShare() {
        return purchaseLines == 0 ? 0.0 : (double) returnLines / purchaseLines;
    }
}
