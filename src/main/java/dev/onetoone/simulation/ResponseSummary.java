package dev.onetoone.simulation;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.onetoone.generate.Json;

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
        ObjectNode json = Json.object().put("simulator", OfferResponseSimulator.class.getName());
        Json.put(json, "elasticity", elasticity);
        Json.put(json, "share_prior_baskets", OfferResponseSimulator.SHARE_PRIOR_BASKETS);
        ArrayNode array = json.putArray("groups");
        for (GroupTruth group : groups) {
            ObjectNode row = array.addObject()
                    .put("campaign_id", group.campaignId())
                    .put("offer_group", group.offerGroup())
                    .put("offers", group.offers())
                    .put("purchases", group.purchases());
            Json.put(row, "expected_purchases", group.expectedPurchases());
            Json.put(row, "true_expected_incremental_margin", group.trueExpectedIncrementalMargin());
            Json.put(row, "discount_given", group.discountGiven());
        }
        return Json.pretty(json);
    }
}
