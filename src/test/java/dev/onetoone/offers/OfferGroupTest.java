package dev.onetoone.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OfferGroupTest {

    @Test
    void storedValuesAreTheLowerCaseNamesTheTablesHold() {
        assertEquals("treatment", OfferGroup.TREATMENT.value());
        assertEquals("control", OfferGroup.CONTROL.value());
        assertEquals("explore", OfferGroup.EXPLORE.value());
        assertEquals("holdout", OfferGroup.HOLDOUT.value());
    }

    @Test
    void fromValueReadsEachStoredValueBack() {
        for (OfferGroup group : OfferGroup.values()) {
            assertEquals(group, OfferGroup.fromValue(group.value()));
        }
    }

    @Test
    void treatmentAndExploreAreSentControlAndHoldoutWithheld() {
        assertTrue(OfferGroup.TREATMENT.sent());
        assertTrue(OfferGroup.EXPLORE.sent());
        assertFalse(OfferGroup.CONTROL.sent());
        assertFalse(OfferGroup.HOLDOUT.sent());
    }

    @Test
    void anUnknownValueIsAnErrorNamingItAndTheKnownValues() {
        var error = assertThrows(IllegalArgumentException.class, () -> OfferGroup.fromValue("Treatment"));
        assertEquals("unknown offer group 'Treatment'; expected one of treatment, control, explore, holdout", error.getMessage());
    }
}
