package dev.onetoone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void defaultsGiveTheDocumentedValues() {
        OneToOneConfig config = new ConfigLoader().load();
        assertEquals("./warehouse", config.warehouse());
        assertEquals(ZoneId.of("UTC"), config.timeZone());
        assertEquals(0.05, config.ingest().maxQuarantineShare());
        assertEquals(null, config.ingest().historyStart(), "no lower bound by default");
        assertEquals(IngestConfig.ZeroValuePolicy.KEEP, config.ingest().zeroValuePolicy());
        assertEquals("customer_id", config.ingest().mapping(SourceEntity.TRANSACTIONS).sourceName("customer_id"));
    }

    @Test
    void unknownKeyIsAnErrorThatNamesTheKey() {
        var error = assertThrows(ConfigException.class,
                () -> new ConfigLoader().withOverrides(Map.of("ingest.max-quarantine", "0.1")).load());
        assertTrue(error.getMessage().contains("'ingest.max-quarantine'"), error.getMessage());
    }

    @Test
    void badValueIsAnErrorThatNamesTheKeyAndTheValue() {
        var error = assertThrows(ConfigException.class,
                () -> new ConfigLoader().withOverrides(Map.of("ingest.max-quarantine-share", "1.5")).load());
        assertTrue(error.getMessage().contains("'ingest.max-quarantine-share'"), error.getMessage());
        assertTrue(error.getMessage().contains("1.5"), error.getMessage());
        assertThrows(ConfigException.class, () -> new ConfigLoader().withOverrides(Map.of("time-zone", "Mars/Olympus")).load());
        assertThrows(ConfigException.class, () -> new ConfigLoader().withOverrides(Map.of("ingest.zero-value-lines", "drop")).load());
        assertThrows(ConfigException.class, () -> new ConfigLoader().withOverrides(Map.of("ingest.timestamp-formats", "yyyy-qq-bb")).load());
    }

    @Test
    void purchaseModelAcceptsTheThreeBtydModelsAndNamesTheKeyOtherwise() {
        for (String model : new String[] {"bg_nbd", "mbg_nbd", "pareto_nbd"}) {
            assertEquals(model, new ConfigLoader().withOverrides(Map.of("model.purchase-model", model)).load().model().purchaseModel().code());
        }
        var error = assertThrows(ConfigException.class,
                () -> new ConfigLoader().withOverrides(Map.of("model.purchase-model", "gamma_gamma")).load());
        assertTrue(error.getMessage().contains("'model.purchase-model'"), error.getMessage());
    }

    @Test
    void mappingKeysMapCanonicalColumnsToSourceColumns() {
        OneToOneConfig config = new ConfigLoader().withOverrides(Map.of(
                "mapping.transactions.customer_id", "CustomerID",
                "mapping.products.unit_cost", "cost")).load();
        assertEquals("CustomerID", config.ingest().mapping(SourceEntity.TRANSACTIONS).sourceName("customer_id"));
        assertEquals("ts", config.ingest().mapping(SourceEntity.TRANSACTIONS).sourceName("ts"));
        assertEquals("cost", config.ingest().mapping(SourceEntity.PRODUCTS).sourceName("unit_cost"));
    }

    @Test
    void mappingOfAnUnknownColumnOrEntityIsAnError() {
        var column = assertThrows(ConfigException.class,
                () -> new ConfigLoader().withOverrides(Map.of("mapping.transactions.price", "p")).load());
        assertTrue(column.getMessage().contains("mapping.transactions.price"), column.getMessage());
        assertThrows(ConfigException.class, () -> new ConfigLoader().withOverrides(Map.of("mapping.orders.customer_id", "c")).load());
    }

    @Test
    void laterLayersOverrideEarlierOnes(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("site.properties");
        Files.writeString(file, "warehouse=/data/wh\ntime-zone=Europe/Berlin\nspark.sql.shuffle.partitions=64\n");
        OneToOneConfig config = new ConfigLoader().withFile(file).withOverrides(Map.of("time-zone", "Asia/Tokyo")).load();
        assertEquals("/data/wh", config.warehouse());
        assertEquals(ZoneId.of("Asia/Tokyo"), config.timeZone());
        assertEquals("64", config.sparkSettings().get("spark.sql.shuffle.partitions"));
    }

    @Test
    void missingConfigurationFileIsAnError(@TempDir Path directory) {
        var error = assertThrows(ConfigException.class, () -> new ConfigLoader().withFile(directory.resolve("none.properties")));
        assertTrue(error.getMessage().contains("none.properties"));
    }

    @Test
    void shippedConfigurationFileLoadsAndEqualsTheDefaults() {
        Path shipped = Path.of("conf/onetoone.properties");
        assertTrue(Files.exists(shipped));
        OneToOneConfig fromFile = new ConfigLoader().withFile(shipped).load();
        OneToOneConfig defaults = new ConfigLoader().load();
        assertEquals(defaults, fromFile);
        assertFalse(fromFile.ingest().returnMarkerRequired());
    }

    @Test
    void tabDelimiterCanBeWrittenAsBackslashT() {
        assertEquals("\t", new ConfigLoader().withOverrides(Map.of("ingest.delimiter", "\\t")).load().ingest().delimiter());
    }

    @Test
    void rankerSettingsAreValidatedAndExcludedProductsAreAList() {
        var error = assertThrows(ConfigException.class,
                () -> new ConfigLoader().withOverrides(Map.of("affinity.ranker.model", "forest")).load());
        assertTrue(error.getMessage().contains("affinity.ranker.model"), error.getMessage());
        assertThrows(ConfigException.class, () -> new ConfigLoader().withOverrides(Map.of("affinity.tifu.alpha", "1.5")).load());
        var ranker = new ConfigLoader().withOverrides(Map.of("affinity.excluded-products", " POST, BANK CHARGES ,,D")).load().affinity().ranker();
        assertEquals(java.util.List.of("POST", "BANK CHARGES", "D"), ranker.excludedProducts());
        assertEquals("auto", ranker.model());
    }

    @Test
    void plausibilityLimitsAndTheAsOfBoundAreValidatedNamingTheKey() {
        for (var entry : Map.of("ingest.max-quantity", "-5", "ingest.max-amount", "NaN", "ingest.as-of-max-days-ahead", "-1").entrySet()) {
            var error = assertThrows(ConfigException.class, () -> new ConfigLoader().withOverrides(Map.of(entry.getKey(), entry.getValue())).load());
            assertTrue(error.getMessage().contains("'" + entry.getKey() + "'"), error.getMessage());
        }
        var limits = new ConfigLoader().withOverrides(Map.of("ingest.max-quantity", "250", "ingest.history-start", "1997-01-01")).load().ingest();
        assertEquals(250.0, limits.maxQuantity());
        assertEquals(1_000_000.0, limits.maxAmount());
        assertEquals(1, limits.asOfMaxDaysAhead());
        assertEquals(LocalDate.of(1997, 1, 1), limits.historyStart());
    }

    @Test
    void contactCostsAreReadPerChannelAndValidatedNamingTheKey() {
        var offers = new ConfigLoader().withOverrides(Map.of("offers.contact-cost.sms", "0.1", "offers.fatigue-cost", "0.05",
                "offers.min-net-margin", "0.01")).load().offers();
        assertEquals(Map.of("email", 0.02, "sms", 0.1, "push", 0.005), offers.contactCosts());
        assertEquals(0.05, offers.fatigueCost());
        assertEquals(0.01, offers.minNetMargin());
        for (String key : new String[] {"offers.contact-cost.email", "offers.contact-cost.sms", "offers.contact-cost.push",
                "offers.fatigue-cost", "offers.min-net-margin"}) {
            var error = assertThrows(ConfigException.class, () -> new ConfigLoader().withOverrides(Map.of(key, "-0.01")).load());
            assertTrue(error.getMessage().contains("'" + key + "'"), error.getMessage());
        }
        var unknownChannel = assertThrows(ConfigException.class,
                () -> new ConfigLoader().withOverrides(Map.of("offers.contact-cost.fax", "1")).load());
        assertTrue(unknownChannel.getMessage().contains("'offers.contact-cost.fax'"), unknownChannel.getMessage());
    }
}
