package dev.onetoone.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The response model's formulas against values computed by hand (independently, in double precision). */
class ResponseModelTest {

    @Test
    void probabilityWithoutAnOfferIsAliveTimesAtLeastOnePurchaseTimesShare() {
        // 0.8 x (1 - exp(-0.7 / 7 x 10)) x 0.5 = 0.8 x 0.632120559 x 0.5
        assertEquals(0.25284822353142306, ResponseModel.probabilityWithout(0.8, 0.7, 10, 0.5), 1e-15);
        assertEquals(ResponseModel.EPSILON, ResponseModel.probabilityWithout(0.0, 0.7, 10, 0.5), 0.0, "kept off 0 so the logit is finite");
    }

    @Test
    void discountShiftsTheLogitByElasticityTimesSensitivityTimesDepth() {
        double without = 0.25284822353142306;
        // shift 8 x 0.5 x 0.1 = 0.4: 1 / (1 + exp(-(logit(0.2528) + 0.4)))
        assertEquals(0.3354852811465272, ResponseModel.probabilityWith(without, ResponseModel.logitShift(8, 0.5, 0.1, 0)), 1e-12);
        assertEquals(without, ResponseModel.probabilityWith(without, ResponseModel.logitShift(8, 0.0, 0.2, 0)), 1e-15);
    }

    @Test
    void incrementalMarginNetsTheDiscountOnlyOnRedemption() {
        // 0.3354852811 x (40 x 0.4 - 4) - 0.2528482235 x 40 x 0.4
        assertEquals(-0.019748202744442445, ResponseModel.incrementalMargin(0.3354852811465272, 0.25284822353142306, 40, 0.4, 4), 1e-12);
    }

    @Test
    void marginFloorComparesTheMarginLeftWithTheDiscountedPrice() {
        // margin 0.25: 15% off leaves 0.10 / 0.85 = 0.118 >= 0.1; 20% off leaves 0.05 / 0.80 = 0.0625 < 0.1
        assertTrue(ResponseModel.withinFloor(0.25, 0.15, 0.1));
        assertFalse(ResponseModel.withinFloor(0.25, 0.20, 0.1));
        assertFalse(ResponseModel.withinFloor(0.9, 1.0, 0.0), "a free product is never within the floor");
    }
}
