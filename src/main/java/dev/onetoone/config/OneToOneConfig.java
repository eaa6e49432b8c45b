package dev.onetoone.config;

import java.time.ZoneId;
import java.util.Map;

import dev.onetoone.model.PopulationModel;

/**
 * The whole validated configuration of one run.
 *
 * @param warehouse      root of the Delta tables, a local path or a Hadoop URI (s3a://bucket/prefix)
 * @param timeZone       zone of naive timestamps and of purchase dates
 * @param currency       currency code of every amount
 * @param ingest         ingest settings
 * @param rfm            RFM settings
 * @param model          per-customer model settings
 * @param affinity       product affinity settings
 * @param offers         offers stage settings
 * @param loyaltyFile    the loyalty programme's configuration file (earning rules, tiers, referrals), see
 *                       {@code dev.onetoone.loyalty.LoyaltyConfig}
 * @param sparkSettings  {@code spark.*} keys passed to the session
 * @param operations     run lock, maintenance, catalog and data-quality gate settings
 */
public record OneToOneConfig(
        String warehouse,
        ZoneId timeZone,
        String currency,
        IngestConfig ingest,
        RfmConfig rfm,
        ModelConfig model,
        AffinityConfig affinity,
        OffersConfig offers,
        String loyaltyFile,
        Map<String, String> sparkSettings,
        OperationsConfig operations) {

    public OneToOneConfig {
        sparkSettings = Map.copyOf(sparkSettings);
    }

    /**
     * Settings of operating a warehouse; see the lock.*, maintenance.*, catalog.* and gates.* keys in {@link ConfigKeys}.
     *
     * @param failOnModelNotConverged true to stop the night when a fit did not converge, false to warn
     */
    public record OperationsConfig(double lockStaleAfterHours, double vacuumRetentionHours, int quarantineRawRetentionDays,
            String catalogDatabase, double maxVolumeDrop, boolean failOnModelNotConverged, int maxKeptFitAgeDays) {
    }

    /** Settings of the per-customer models. */
    public record ModelConfig(double timeUnitDays, PopulationModel purchaseModel, int refitDays, int minCustomers,
            double smallPopulationPenalty, boolean fitParetoNbd, int clvHorizonDays, double margin,
            double annualDiscountRate, double rhythmPriorPurchases, double preferenceHalfLifeDays,
            double sensitivityPriorLines) {
    }

    /**
     * Settings of the product affinity stage; see the affinity.* keys in {@link ConfigKeys}. The sources' own
     * settings are grouped: {@code coOccurrence}, {@code als}, the noisy-OR {@code weights}, and the learned
     * {@code ranker} with TIFU-KNN.
     */
    public record AffinityConfig(int topK, int horizonDays, double halfLifeDays, double activePAlive, int maxPerCategory,
            int newProducts, int excludeDurableDays, double cyclePriorGaps, int candidatesPerSource, int popularityDays,
            CoOccurrenceConfig coOccurrence, AlsConfig als, NoisyOrWeights weights, RankerConfig ranker) {
        /** These settings with other co-occurrence settings. */
        public AffinityConfig withCoOccurrence(CoOccurrenceConfig other) {
            return new AffinityConfig(topK, horizonDays, halfLifeDays, activePAlive, maxPerCategory, newProducts, excludeDurableDays, cyclePriorGaps,
                    candidatesPerSource, popularityDays, other, als, weights, ranker);
        }
    }

    /** affinity.co-occurrence.*: basket support, neighbours kept per product, and the largest basket counted. */
    public record CoOccurrenceConfig(int minBaskets, int neighbours, int maxBasketProducts) {
    }

    /** affinity.als.*: Spark MLlib ALS with implicit feedback. */
    public record AlsConfig(int rank, int maxIter, double regParam, double alpha, int blocks, int checkpointInterval) {
    }

    /** affinity.weight.*: the noisy-OR blend's weight of each source (0..1). */
    public record NoisyOrWeights(double buyAgain, double collaborative, double coOccurrence, double popularity) {
    }

    /**
     * Settings of the learned ranker and its candidate sources; see the affinity.ranker.*, affinity.tifu.* and
     * affinity.excluded-products keys in {@link ConfigKeys}.
     */
    public record RankerConfig(java.util.List<String> excludedProducts, int retrainDays, String model, int trainingCustomers, TifuConfig tifu) {
        public RankerConfig {
            excludedProducts = java.util.List.copyOf(excludedProducts);
        }
    }

    /** affinity.tifu.*: TIFU-KNN (Hu et al. 2020) and its neighbour pool. */
    public record TifuConfig(int groupSize, double withinGroupDecay, double acrossGroupDecay, int neighbours, double alpha, int poolSize,
            int maxProducts) {
    }

    /**
     * Settings of the offers stage (campaigns themselves are in {@code campaignsFile}).
     *
     * @param suppressionFile empty when there is no suppression list
     * @param contactCosts    cost in currency of one offer sent, per channel (email, sms, push)
     * @param fatigueCost     cost in currency of each earlier offer sent to the customer within the contact window
     * @param minNetMargin    lowest expected incremental margin net of contact and fatigue costs for an offer to be sent
     */
    public record OffersConfig(String campaignsFile, double globalBudget, int maxContacts, int contactWindowDays,
            int cooldownDays, String suppressionFile, String salt, double holdoutShare, double controlShare,
            double exploreShare, double responseElasticity, double marginFloor, double pointValue, int bisectionSteps,
            java.util.Map<String, Double> contactCosts, double fatigueCost, double minNetMargin, int learnedResponseMinOutcomes) {
        public OffersConfig {
            contactCosts = java.util.Map.copyOf(contactCosts);
        }
    }

    /** Settings of the RFM stage. */
    public record RfmConfig(double quantileRelativeError) {
    }

    public OneToOneConfig withWarehouse(String newWarehouse) {
        return new OneToOneConfig(newWarehouse, timeZone, currency, ingest, rfm, model, affinity, offers, loyaltyFile, sparkSettings, operations);
    }
}
