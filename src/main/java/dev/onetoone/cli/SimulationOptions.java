package dev.onetoone.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The options of the commands that simulate generated customers' responses to offers. */
final class SimulationOptions {
    @Option(names = "--sample", required = true, paramLabel = "DIR",
            description = "The generated sample the warehouse was loaded from (products.csv, transactions.csv[.gz], truth/customer_truth.csv).")
    Path sample;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the response simulation (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--elasticity", defaultValue = "8.0", paramLabel = "E",
            description = "How strongly the simulated customers respond to a discount: logit shift per unit of promo sensitivity times "
                    + "discount fraction (default ${DEFAULT-VALUE}). Give the offers engine the same value "
                    + "(offers.response-elasticity) to simulate a calibrated engine.")
    double elasticity;
}
