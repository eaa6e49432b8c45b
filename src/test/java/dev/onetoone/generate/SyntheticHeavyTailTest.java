package dev.onetoone.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default population must contain very frequent buyers. With lambda ~ Gamma(0.75, 4) per week and
 * p ~ Beta(0.8, 2.6), a customer needs roughly lambda T &gt; 100 and p below about 0.01 to reach 100
 * events in two years; P(lambda &gt; 1.5) is about 1.3e-3 and P(p &lt; 0.005) about 3%, so the top of
 * 50,000 customers lies between roughly 120 and 230 events (40 independent simulations of the process
 * gave a minimum maximum of 118 and a median of 143).
 */
class SyntheticHeavyTailTest {

    @TempDir
    Path directory;

    @Test
    void fiftyThousandDefaultCustomersIncludeOneWithAtLeastAHundredPurchaseEvents() throws IOException {
        GeneratorConfig config = GeneratorConfig.of(50_000, LocalDate.of(2024, 1, 1), LocalDate.of(2025, 12, 31), 5L);
        GeneratorSummary summary = new SyntheticDataGenerator(config).generate(directory);
        assertEquals(50_000, summary.customers());
        assertTrue(summary.maxPurchaseEventsPerCustomer() >= 100,
                "max purchase events " + summary.maxPurchaseEventsPerCustomer());
        assertTrue(summary.p99PurchaseEventsPerCustomer() < summary.maxPurchaseEventsPerCustomer());
    }

    @Test
    void basketTotalsStayCloseToTheGammaGammaTarget() throws IOException {
        GeneratorConfig config = GeneratorConfig.of(2_000, LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31), 6L);
        GeneratorSummary summary = new SyntheticDataGenerator(config).generate(directory);
        double ratio = summary.meanBasketAmount() / summary.meanTargetSpend();
        assertTrue(Math.abs(ratio - 1.0) < 0.05, "mean basket / mean target = " + ratio);
        assertTrue(summary.meanAbsoluteRelativeBasketDeviation() < 0.15,
                "mean |amount - z| / z = " + summary.meanAbsoluteRelativeBasketDeviation());
    }
}
