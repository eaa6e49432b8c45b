package dev.onetoone.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.onetoone.pipeline.LoyaltyRunner;
import dev.onetoone.pipeline.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "loyalty", mixinStandardHelpOptions = true,
        description = {"Run the loyalty programme for one as-of date: earn, reverse, release, redeem and expire points in "
                + "points_ledger, accept or quarantine referrals, review member_tier, and derive points_balance and "
                + "loyalty_metrics. Reads redemptions.* and referrals.* from --input if given; safe to rerun for the same date."})
final class LoyaltyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--as-of", required = true, paramLabel = "DATE", description = "The night to compute (yyyy-MM-dd).")
    LocalDate asOf;

    @Option(names = "--input", paramLabel = "DIR", description = "Directory that may hold redemptions.* and referrals.* files.")
    String input;

    @Option(names = "--rebuild", description = "Read the whole ledger and sum every balance from it, as a first night does, "
            + "instead of the members the night touches and the previous night's balances. Needed after changing "
            + "points.return-window-days, points.expiry-days or tier.window-days.")
    boolean rebuild;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "loyalty");
        var result = new LoyaltyRunner(context, new RunLog(context)).run(asOf, Optional.ofNullable(input), rebuild);
        Summaries.print(spec, context, List.of(result));
        return ExitCodes.OK;
    }
}
