package dev.onetoone.generate;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Everything that determines a generated data set. Two runs with equal configs write
 * byte-identical files.
 *
 * @param customers           number of customers, each with a first purchase inside the window
 * @param start               first day of the observation window
 * @param end                 last day of the observation window, inclusive: no row is dated after it
 * @param seed                master seed; every customer's generator is derived from it and the customer index
 * @param process             purchase-and-dropout process, {@link PurchaseProcess#BG_NBD} by default
 * @param parameters          population heterogeneity parameters
 * @param returnRate          share of basket lines returned 1-20 days later (returns that would fall
 *                            after {@code end} are not observed and not written)
 * @param compressTransactions write {@code transactions.csv.gz} instead of {@code transactions.csv}
 * @param structure           hidden taste, buyer mix and seasonality ({@link HiddenStructure#none()} by default)
 */
public record GeneratorConfig(
        int customers,
        LocalDate start,
        LocalDate end,
        long seed,
        PurchaseProcess process,
        PopulationParameters parameters,
        double returnRate,
        boolean compressTransactions,
        HiddenStructure structure) {

    /** Share of basket lines that are returned when not configured otherwise. */
    public static final double DEFAULT_RETURN_RATE = 0.015;

    public GeneratorConfig {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (customers < 1) {
            throw new IllegalArgumentException("customers must be at least 1, got " + customers);
        }
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("end " + end + " is before start " + start);
        }
        if (!(returnRate >= 0.0 && returnRate < 1.0)) {
            throw new IllegalArgumentException("returnRate must be in [0, 1), got " + returnRate);
        }
        process = process == null ? PurchaseProcess.BG_NBD : process;
        parameters = parameters == null ? PopulationParameters.defaults() : parameters;
        structure = structure == null ? HiddenStructure.none() : structure;
    }

    /** A config without hidden structure. */
    public GeneratorConfig(int customers, LocalDate start, LocalDate end, long seed, PurchaseProcess process,
            PopulationParameters parameters, double returnRate, boolean compressTransactions) {
        this(customers, start, end, seed, process, parameters, returnRate, compressTransactions, HiddenStructure.none());
    }

    /** BG/NBD with default parameters, the default return rate and an uncompressed transactions file. */
    public static GeneratorConfig of(int customers, LocalDate start, LocalDate end, long seed) {
        return new GeneratorConfig(customers, start, end, seed, PurchaseProcess.BG_NBD,
                PopulationParameters.defaults(), DEFAULT_RETURN_RATE, false);
    }

    public GeneratorConfig withProcess(PurchaseProcess newProcess) {
        return new GeneratorConfig(customers, start, end, seed, newProcess, parameters, returnRate, compressTransactions,
                structure);
    }

    public GeneratorConfig withParameters(PopulationParameters newParameters) {
        return new GeneratorConfig(customers, start, end, seed, process, newParameters, returnRate, compressTransactions,
                structure);
    }

    public GeneratorConfig withReturnRate(double newReturnRate) {
        return new GeneratorConfig(customers, start, end, seed, process, parameters, newReturnRate, compressTransactions,
                structure);
    }

    public GeneratorConfig withCompressedTransactions(boolean compress) {
        return new GeneratorConfig(customers, start, end, seed, process, parameters, returnRate, compress, structure);
    }

    public GeneratorConfig withStructure(HiddenStructure newStructure) {
        return new GeneratorConfig(customers, start, end, seed, process, parameters, returnRate, compressTransactions,
                newStructure);
    }

    /** Number of whole days in the window, end inclusive. */
    public int windowDays() {
        return Math.toIntExact(end.toEpochDay() - start.toEpochDay() + 1);
    }
}
