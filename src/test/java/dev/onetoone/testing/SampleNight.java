package dev.onetoone.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

import dev.onetoone.io.Warehouse;
import dev.onetoone.pipeline.NightlyPipeline;
import dev.onetoone.pipeline.RunContext;

/**
 * One nightly run on the shipped sample (2,500 customers, two years) as of 2025-12-31, shared by the integration
 * tests of one JVM: ingesting and modelling the sample is the slow part, and the tests only read what it wrote (or
 * write tables of their own, such as affinity_evaluation). The offers run with tight budgets (20 per campaign, 60 in
 * all), a strong response (elasticity 30) and a suppression list, so that budgets bind and every campaign type has
 * takers.
 */
public final class SampleNight {
    public static final LocalDate AS_OF = LocalDate.of(2025, 12, 31);
    public static final String SAMPLE = WarehouseFixture.sample("data-samples/sample").toString();

    private static RunContext context;

    private SampleNight() {
    }

    public static synchronized RunContext context() {
        if (context == null) {
            try {
                Path directory = Files.createTempDirectory("onetoone-sample-night");
                RunContext created = WarehouseFixture.context(directory.resolve("warehouse"), settings(directory));
                new NightlyPipeline(created).run(AS_OF, Optional.of(SAMPLE));
                context = created;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return context;
    }

    /**
     * The configuration keys of the shared night (besides the warehouse and two shuffle partitions), with its
     * campaigns and suppression files written to {@code directory}: a run elsewhere (a cluster, object storage) with
     * these settings computes the same night.
     */
    public static Map<String, String> settings(Path directory) throws IOException {
        String shipped = Files.readString(WarehouseFixture.sample("conf/campaigns.properties"));
        Path campaigns = Files.writeString(directory.resolve("campaigns.properties"),
                shipped.replaceAll("(?m)^(campaign\\.[a-z_]+\\.budget)=\\d+$", "$1=20"));
        Path suppression = Files.writeString(directory.resolve("suppressed.csv"), "customer_id\nC0000010\nC0000011\nC0000012\n");
        return Map.of(
                "offers.campaigns-file", campaigns.toString(),
                "offers.suppression-file", suppression.toString(),
                "offers.response-elasticity", "30",
                "offers.global-budget", "60");
    }

    public static Warehouse warehouse() {
        return context().warehouse();
    }
}
