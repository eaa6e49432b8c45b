package dev.onetoone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.onetoone.config.ConfigException;
import dev.onetoone.results.TargetPolicy;
import picocli.CommandLine;

class PolicyOptionsTest {
    private static PolicyOptions parse(String... arguments) {
        var command = new EvaluatePolicyCommand();
        new CommandLine(command).parseArgs(arguments);
        return command.policies;
    }

    @Test
    void eachOptionGivenIsOnePolicy() {
        List<TargetPolicy> policies = parse("--from", "2025-12-01", "--to", "2025-12-31", "--min-net-expected-margin", "0.25",
                "--max-offers-per-night", "vip=20", "--max-offers-per-night", "win_back=5", "--step", "replenishment=10").alternatives();
        assertEquals(List.of("min_net_expected_margin", "max_offers_per_night", "steps"), policies.stream().map(TargetPolicy::name).toList());
        assertEquals(0.25, policies.get(0).threshold());
        assertEquals(20.0, policies.get(1).perCampaign().get("vip"));
        assertEquals(5.0, policies.get(1).perCampaign().get("win_back"));
        assertEquals("per night at most vip=20, win_back=5 planned offers, highest net_expected_margin first", policies.get(1).definition());
    }

    @Test
    void aNegativeCapNamesTheOption() {
        var error = assertThrows(ConfigException.class,
                () -> parse("--from", "2025-12-01", "--to", "2025-12-31", "--max-offers-per-night", "vip=-1").alternatives());
        assertTrue(error.getMessage().startsWith("--max-offers-per-night vip=-1"), error.getMessage());
    }

    @Test
    void aThresholdThatIsNotANumberNamesTheOption() {
        var error = assertThrows(ConfigException.class,
                () -> parse("--from", "2025-12-01", "--to", "2025-12-31", "--min-expected-incremental-margin", "NaN").alternatives());
        assertTrue(error.getMessage().startsWith("--min-expected-incremental-margin NaN"), error.getMessage());
    }

    @Test
    void withoutPolicyOptionsOnlyTheBuiltInPoliciesAreEvaluated() {
        assertEquals(List.of(), parse("--from", "2025-12-01", "--to", "2025-12-31").alternatives());
    }
}
