package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;

import dev.onetoone.config.ConfigException;
import dev.onetoone.io.Tables;
import dev.onetoone.results.OfferLift;
import dev.onetoone.results.OfferOutcomes;

/**
 * {@code offer-results}: measures the offers decided with as_of in [from, to] against the transactions in their
 * validity windows and replaces the offer_results rows of that period, so a rerun for the same period is idempotent.
 */
public final class OfferResultsRunner {
    public static final String STAGE = "offer_results";

    private final RunContext context;
    private final RunLog runLog;

    public OfferResultsRunner(RunContext context, RunLog runLog) {
        this.context = context;
        this.runLog = runLog;
    }

    public StageResult run(LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new ConfigException("--to " + to + " is before --from " + from);
        }
        return runLog.run(STAGE, to, () -> measure(from, to));
    }

    private StageResult measure(LocalDate from, LocalDate to) {
        var warehouse = context.warehouse();
        Dataset<Row> offers = warehouse.read(Tables.OFFERS)
                .where(col("as_of").geq(lit(Date.valueOf(from))).and(col("as_of").leq(lit(Date.valueOf(to)))));
        Dataset<Row> transactions = warehouse.read(Tables.TRANSACTIONS);
        Dataset<Row> earlier = warehouse.read(Tables.OFFERS).where(col("as_of").lt(lit(Date.valueOf(from))));
        Dataset<Row> perOffer = OfferOutcomes.perOffer(offers, earlier, transactions, warehouse.read(Tables.PRODUCTS))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Row> sums = OfferOutcomes.groupSums(perOffer).collectAsList();
            List<OfferLift> lifts = new ArrayList<>(OfferOutcomes.lifts(sums));
            long offerRows = lifts.isEmpty() ? 0L : lifts.get(lifts.size() - 1).offersSent() + lifts.get(lifts.size() - 1).controlRows();
            long linesWithoutCost = sums.isEmpty() ? 0L : sums.get(sums.size() - 1).<Long>getAs("lines_without_cost");
            if (lifts.isEmpty()) {
                lifts.add(OfferLift.of(OfferOutcomes.ALL, 0, 0, OfferLift.GroupSums.EMPTY, OfferLift.GroupSums.EMPTY));
            }
            Row latest = transactions.agg(max(col("purchase_date"))).first();
            long openWindows = latest.isNullAt(0) ? offers.count()
                    : offers.where(col("valid_to").gt(lit(latest.getDate(0)))).count();

            Timestamp now = Timestamp.from(context.now());
            List<Row> rows = new ArrayList<>();
            for (OfferLift lift : lifts) {
                rows.add(RowFactory.create(Date.valueOf(from), Date.valueOf(to), lift.campaignId(), lift.offersSent(), lift.controlRows(),
                        lift.redemptions(), lift.redemptionRate(), lift.revenuePerTreated(), lift.revenuePerControl(),
                        lift.incrementalRevenue(), lift.incrementalMargin(), lift.marginCiLow(), lift.marginCiHigh(),
                        lift.adjustedMargin(), lift.adjustedCiLow(), lift.adjustedCiHigh(), lift.varianceReduction(), now));
            }
            warehouse.overwriteWhere(Tables.OFFER_RESULTS, warehouse.spark().createDataFrame(rows, Tables.OFFER_RESULTS.schema()),
                    "from_date = DATE'" + from + "' AND to_date = DATE'" + to + "'");

            var details = new LinkedHashMap<String, Long>();
            details.put("campaigns", (long) lifts.size() - 1);
            details.put("open_windows", openWindows);
            details.put("lines_without_cost", linesWithoutCost);
            details.put(StageResult.WARNINGS, openWindows > 0 || offerRows == 0 ? 1L : 0L);
            return new StageResult(STAGE, offerRows, rows.size(), 0, message(from, to, lifts, offerRows, openWindows, linesWithoutCost), details);
        } finally {
            perOffer.unpersist();
        }
    }

    /** The results as a fixed-width table, with the notes that qualify them. */
    static String message(LocalDate from, LocalDate to, List<OfferLift> lifts, long offerRows, long openWindows, long linesWithoutCost) {
        var text = new StringBuilder(String.format(Locale.ROOT, "offer-results for offers decided %s to %s: %d offer rows%n", from, to, offerRows));
        if (offerRows == 0) {
            text.append("  no offers with as_of in the period: every result is 0\n");
        }
        text.append(String.format(Locale.ROOT, "  %-20s %8s %8s %8s %7s %10s %10s %12s %12s %25s %12s %25s%n", "campaign", "sent", "control",
                "redeemed", "rate", "rev/treat", "rev/ctrl", "incr.rev", "incr.margin", "95% CI of incr.margin", "adjusted", "95% CI adjusted"));
        for (OfferLift lift : lifts) {
            text.append(String.format(Locale.ROOT, "  %-20s %8d %8d %8d %6.1f%% %10.2f %10.2f %12.2f %12.2f %25s %12.2f %25s%s%n", lift.campaignId(),
                    lift.offersSent(), lift.controlRows(), lift.redemptions(), 100 * lift.redemptionRate(), lift.revenuePerTreated(),
                    lift.revenuePerControl(), lift.incrementalRevenue(), lift.incrementalMargin(),
                    String.format(Locale.ROOT, "[%.2f, %.2f]", lift.marginCiLow(), lift.marginCiHigh()), lift.adjustedMargin(),
                    String.format(Locale.ROOT, "[%.2f, %.2f]", lift.adjustedCiLow(), lift.adjustedCiHigh()),
                    lift.note().isEmpty() ? "" : "  (" + lift.note() + ")"));
        }
        if (openWindows > 0) {
            text.append(String.format(Locale.ROOT, "  warning: %d offers are valid after the last transaction date: their windows are not closed yet%n", openWindows));
        }
        if (linesWithoutCost > 0) {
            text.append(String.format(Locale.ROOT, "  note: %d line(s) in the windows have no product cost and add 0 margin%n", linesWithoutCost));
        }
        return text.toString().stripTrailing();
    }
}
