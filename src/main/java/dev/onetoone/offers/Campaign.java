package dev.onetoone.offers;

import java.util.List;

/**
 * One campaign from the campaigns file.
 *
 * @param id                 campaign id, the {@code <id>} of {@code campaign.<id>.*}
 * @param type               which customers qualify and why
 * @param offerForm          what the offer gives
 * @param target             what it applies to
 * @param steps              allowed depths: percentages, amounts or points by offer form; one step 0 for recognition
 * @param validityDays       days the offer can be redeemed, from the day after as_of
 * @param channels           channels the campaign may use, in order of preference after the customer's own
 * @param priority           lower first when a customer qualifies for several campaigns
 * @param budget             expected discount cost plus contact cost the campaign may spend per run
 * @param repeatAfterDays    a customer sent this campaign gets it again only after this many days
 * @param recognitionUplift  recognition only: assumed logit uplift of a purchase, measured by the control group
 * @param eligibility        typed thresholds of the campaign type
 */
public record Campaign(String id, CampaignType type, OfferForm offerForm, TargetKind target, List<Double> steps,
        int validityDays, List<String> channels, int priority, double budget, int repeatAfterDays,
        double recognitionUplift, Eligibility eligibility) {

    public Campaign {
        steps = List.copyOf(steps);
        channels = List.copyOf(channels);
    }
}
