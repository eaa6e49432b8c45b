package dev.onetoone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SettingValuesTest {
    @Test
    void numbersAreCheckedAgainstTheirClosedRange() {
        assertEquals(0.0, SettingValues.number("configuration", "k", "0", 0.0, 1.0));
        assertEquals(1.0, SettingValues.number("configuration", "k", "1", 0.0, 1.0));
        for (String bad : new String[] {"1.0001", "-0.1", "NaN", "Infinity", "x", "", null}) {
            assertThrows(ConfigException.class, () -> SettingValues.number("configuration", "k", bad, 0.0, 1.0), String.valueOf(bad));
        }
        assertEquals(7L, SettingValues.integer("campaigns", "k", "7", 7, 7));
        assertThrows(ConfigException.class, () -> SettingValues.integer("campaigns", "k", "7.5", 0, 10));
        assertThrows(ConfigException.class, () -> SettingValues.integer("campaigns", "k", "11", 0, 10));
    }

    @Test
    void booleansAreTrueOrFalseInAnyCase() {
        assertTrue(SettingValues.bool("campaigns", "k", "TRUE"));
        assertFalse(SettingValues.bool("campaigns", "k", "false"));
        assertThrows(ConfigException.class, () -> SettingValues.bool("campaigns", "k", "yes"));
    }

    @Test
    void aBadValueNamesTheValueTheKeyItsSourceAndWhatWasExpected() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> SettingValues.number("campaigns", "campaign.vip.budget", "lots", 0.0, 10.0));
        assertEquals("bad value 'lots' for campaigns key 'campaign.vip.budget': expected a number from 0.0 to 10.0", error.getMessage());
    }
}
