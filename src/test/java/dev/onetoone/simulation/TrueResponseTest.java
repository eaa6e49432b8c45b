package dev.onetoone.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TrueResponseTest {
    @Test
    void withoutAnOfferABgNbdCustomerBuysTheTargetAtTheThinnedPoissonRate() {
        // lambda 0.5 per week, half the baskets contain the target, 14 days: 1 - exp(-0.5 * 0.5 * 2) = 1 - exp(-0.5)
        assertEquals(0.3934693402873666, TrueResponse.probabilityWithout(true, 0.5, 0.0, 0.5, 14), 1e-12);
    }

    @Test
    void aParetoNbdCustomerMayDieBeforeBuying() {
        // rate 0.25, mu 0.25, 2 weeks: 0.25 / 0.5 * (1 - exp(-1))
        assertEquals(0.5 * (1 - Math.exp(-1.0)), TrueResponse.probabilityWithout(true, 0.25, 0.25, 1.0, 14), 1e-12);
    }

    @Test
    void aCustomerWhoHasDroppedOutNeitherBuysNorRespondsToAnOffer() {
        double without = TrueResponse.probabilityWithout(false, 3.0, 0.0, 1.0, 14);
        assertEquals(0.0, without);
        assertEquals(0.0, TrueResponse.probabilityWith(without, 5.0));
    }

    @Test
    void aTwentyPercentDiscountShiftsTheLogitByEightTimesSensitivityTimesTheFraction() {
        double shift = TrueResponse.logitShift("percent_off", TrueResponse.DEFAULT_ELASTICITY, 0.5, TrueResponse.discountFraction("percent_off", 20.0, 0.0, 0, 10.0));
        assertEquals(0.8, shift, 1e-12);
        // p_without 0.2: odds 0.25 * e^0.8 = 0.556385..., p = odds / (1 + odds)
        double odds = 0.25 * Math.exp(0.8);
        assertEquals(odds / (1 + odds), TrueResponse.probabilityWith(0.2, shift), 1e-12);
    }

    @Test
    void amountsAndPointsAreFractionsOfTheReferencePriceAndRecognitionIsASmallFixedShift() {
        assertEquals(0.25, TrueResponse.discountFraction("amount_off", 0.0, 2.0, 0, 8.0), 1e-12);
        assertEquals(1.0, TrueResponse.discountFraction("amount_off", 0.0, 20.0, 0, 8.0), "capped at the price");
        // 400 points at 0.01 each, half weight, on a 20.00 reference: 2 / 20 = 0.1
        assertEquals(0.1, TrueResponse.discountFraction("bonus_points", 0.0, 0.0, 400, 20.0), 1e-12);
        assertEquals(TrueResponse.RECOGNITION_LOGIT, TrueResponse.logitShift("recognition", TrueResponse.DEFAULT_ELASTICITY, 0.9, 0.0));
    }

    @Test
    void anUnknownOfferFormIsRejectedByName() {
        var error = assertThrows(IllegalArgumentException.class, () -> TrueResponse.logitShift("free_lunch", TrueResponse.DEFAULT_ELASTICITY, 0.5, 0.1));
        assertEquals("unknown offer_form 'free_lunch': expected percent_off, amount_off, bonus_points or recognition", error.getMessage());
    }
}
