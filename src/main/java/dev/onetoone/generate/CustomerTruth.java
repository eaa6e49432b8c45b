package dev.onetoone.generate;

/**
 * The latent truth of one customer, written to {@code truth/customer_truth.csv} so that fitted
 * models can be checked against the values that generated the data.
 *
 * @param customerId              customer id
 * @param firstPurchaseSecond     first purchase ("birth"), seconds since the window start
 * @param observationWeeks        T: weeks from the first purchase to the end of the window
 * @param purchaseRatePerWeek     lambda, Poisson purchase rate while alive
 * @param dropoutProbability      p, dropout probability per purchase (BG/NBD and MBG/NBD; NaN otherwise)
 * @param dropoutRate             mu, exponential dropout rate per week (Pareto/NBD; NaN otherwise)
 * @param dropoutSecond           seconds since the window start at which the customer died, or -1 if alive at the end
 * @param aliveAtEnd              whether the customer is still alive at the end of the window
 * @param spendScale              nu, the Gamma-Gamma scale: basket values are Gamma(p, nu)
 * @param expectedSpendPerPurchase p / nu, the customer's mean basket value
 * @param promoSensitivity        probability that a basket line is bought on promotion
 * @param preferredChannel        channel with the largest personal share
 * @param preferredStore          store id the customer mostly visits
 * @param replenishmentCycleDays  personal replenishment cycle in days (times the category's cycle factor)
 * @param purchaseEvents          number of purchase events (baskets) generated, first purchase included
 */
public record CustomerTruth(
        String customerId,
        long firstPurchaseSecond,
        double observationWeeks,
        double purchaseRatePerWeek,
        double dropoutProbability,
        double dropoutRate,
        long dropoutSecond,
        boolean aliveAtEnd,
        double spendScale,
        double expectedSpendPerPurchase,
        double promoSensitivity,
        String preferredChannel,
        String preferredStore,
        double replenishmentCycleDays,
        int purchaseEvents) {
}
