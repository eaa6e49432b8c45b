package dev.onetoone.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.onetoone.config.ConfigException;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.simulation.OfferResponseSimulator;
import dev.onetoone.simulation.ResponseSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "simulate-responses", mixinStandardHelpOptions = true,
        description = {"Simulate how the customers of a generated sample respond to the offers of one as-of date, from each "
                + "customer's truth (purchase rate, dropout, spend, promo sensitivity), and write the purchases as "
                + "DIR/transactions.csv for ingest, with the truth per campaign and group in DIR/response_summary.json.",
                "Deterministic for a seed."})
final class SimulateResponsesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    SimulationOptions simulation;

    @Option(names = "--offers-as-of", required = true, paramLabel = "DATE", description = "As-of date of the offers to respond to.")
    LocalDate offersAsOf;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
    Path out;

    @Override
    public Integer call() throws IOException {
        var context = CommandContext.start(common, "simulate-responses");
        Warehouse warehouse = context.warehouse();
        if (!warehouse.exists(Tables.OFFERS)) {
            throw new ConfigException("the warehouse " + warehouse.root() + " has no offers table: run offers first");
        }
        var offers = warehouse.readAsOf(Tables.OFFERS, offersAsOf);
        ResponseSummary summary;
        try {
            summary = new OfferResponseSimulator(warehouse.spark(), simulation.seed, simulation.elasticity).simulate(offers, simulation.sample, out);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        var writer = spec.commandLine().getOut();
        long rows = summary.groups().stream().mapToLong(ResponseSummary.GroupTruth::offers).sum();
        if (rows == 0) {
            writer.println("no offers with as_of " + offersAsOf + ": wrote an empty transactions file");
        }
        for (var group : summary.groups()) {
            writer.println(String.format(Locale.ROOT, "%-20s %-10s %7d offers %6d purchases (expected %.1f), true expected incremental margin %.2f",
                    group.campaignId(), group.offerGroup(), group.offers(), group.purchases(), group.expectedPurchases(),
                    group.trueExpectedIncrementalMargin()));
        }
        writer.println("wrote " + summary.purchases() + " simulated purchases to " + out.resolve("transactions.csv"));
        writer.flush();
        return ExitCodes.OK;
    }
}
