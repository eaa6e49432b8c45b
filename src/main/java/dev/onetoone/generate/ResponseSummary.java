package dev.onetoone.generate;

import java.util.List;
import java.util.Optional;

/**
 * What the response simulator did and the truth behind it, per campaign and offer group; written to
 * {@code response_summary.json}.
 */
public record ResponseSummary(List<GroupTruth> groups) {

    /**
     * @param campaignId                   campaign
     * @param offerGroup                   treatment, explore, control or holdout
     * @param offers                       offer rows simulated
     * @param purchases                    rows that led to a purchase of the target
     * @param expectedPurchases            sum of the purchase probabilities the rows were drawn with
     * @param trueExpectedIncrementalMargin sum over the rows of p_with * (margin - discount) - p_without * margin: what
     *                                     sending these offers adds in expectation (for withheld rows: would have added)
     * @param discountGiven                discount taken off the purchased baskets
     */
    public record GroupTruth(String campaignId, String offerGroup, long offers, long purchases, double expectedPurchases,
            double trueExpectedIncrementalMargin, double discountGiven) {
    }

    public ResponseSummary {
        groups = List.copyOf(groups);
    }

    public Optional<GroupTruth> group(String campaignId, String offerGroup) {
        return groups.stream().filter(group -> group.campaignId().equals(campaignId) && group.offerGroup().equals(offerGroup)).findFirst();
    }

    public long purchases() {
        return groups.stream().mapToLong(GroupTruth::purchases).sum();
    }

    /** The summary as JSON, with the elasticity of the simulated response. */
    String toJson(double elasticity) {
        JsonWriter json = new JsonWriter().beginObject()
                .field("simulator", OfferResponseSimulator.class.getName())
                .field("elasticity", elasticity)
                .field("share_prior_baskets", OfferResponseSimulator.SHARE_PRIOR_BASKETS)
                .name("groups").beginArray();
        for (GroupTruth group : groups) {
            json.beginObject()
                    .field("campaign_id", group.campaignId())
                    .field("offer_group", group.offerGroup())
                    .field("offers", group.offers())
                    .field("purchases", group.purchases())
                    .field("expected_purchases", group.expectedPurchases())
                    .field("true_expected_incremental_margin", group.trueExpectedIncrementalMargin())
                    .field("discount_given", group.discountGiven())
                    .endObject();
        }
        return json.endArray().endObject().toJson();
    }
}
