package dev.onetoone.generate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the sample shipped in {@code data-samples/sample}: 2,500 BG/NBD customers over 2024-2025,
 * seed 42, transactions gzipped to keep the directory small. Usage:
 * {@code GenerateSample [outDir] [customers] [seed] [gzip|plain]}.
 */
public final class GenerateSample {

    private static final Logger LOGGER = LoggerFactory.getLogger(GenerateSample.class);

    public static final int SAMPLE_CUSTOMERS = 2_500;
    public static final long SAMPLE_SEED = 42L;
    public static final LocalDate SAMPLE_START = LocalDate.of(2024, 1, 1);
    public static final LocalDate SAMPLE_END = LocalDate.of(2025, 12, 31);

    private GenerateSample() {
    }

    /** The configuration of the shipped sample. */
    public static GeneratorConfig sampleConfig() {
        return GeneratorConfig.of(SAMPLE_CUSTOMERS, SAMPLE_START, SAMPLE_END, SAMPLE_SEED)
                .withCompressedTransactions(true);
    }

    public static void main(String[] arguments) throws IOException {
        Path outDir = Path.of(arguments.length > 0 ? arguments[0] : "data-samples/sample");
        GeneratorConfig config = sampleConfig();
        if (arguments.length > 1) {
            config = new GeneratorConfig(Integer.parseInt(arguments[1]), config.start(), config.end(), config.seed(),
                    config.process(), config.parameters(), config.returnRate(), config.compressTransactions());
        }
        if (arguments.length > 2) {
            config = new GeneratorConfig(config.customers(), config.start(), config.end(), Long.parseLong(arguments[2]),
                    config.process(), config.parameters(), config.returnRate(), config.compressTransactions());
        }
        if (arguments.length > 3) {
            config = config.withCompressedTransactions(!"plain".equals(arguments[3]));
        }
        GeneratorSummary summary = new SyntheticDataGenerator(config).generate(outDir);
        LOGGER.info("Sample summary: {}", summary);
    }
}
