package dev.onetoone.loyalty;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.onetoone.io.RawInput;
import dev.onetoone.io.Tables;
import dev.onetoone.testing.SparkTestSupport;

/** Tiny inline tables for the loyalty tests, and a way to run nights one after another on an in-memory ledger. */
final class LoyaltyFixtures {
    static final Timestamp NOW = Timestamp.valueOf("2026-01-02 03:00:00");

    private LoyaltyFixtures() {
    }

    /** A purchase (quantity > 0) or return (quantity < 0) line. */
    record Line(String lineId, String transactionId, String customerId, String day, String productId, String category,
            double quantity, String amount, String offerId) {
        static Line buy(String lineId, String transactionId, String customerId, String day, String productId, String category, double quantity, String amount) {
            return new Line(lineId, transactionId, customerId, day, productId, category, quantity, amount, null);
        }
    }

    static Dataset<Row> transactions(List<Line> lines) {
        return transactions(lines, NOW);
    }

    /** The lines as transactions rows ingested at {@code ingestedAt}. */
    static Dataset<Row> transactions(List<Line> lines, Timestamp ingestedAt) {
        List<Row> rows = new ArrayList<>();
        for (Line line : lines) {
            BigDecimal amount = new BigDecimal(line.amount());
            rows.add(RowFactory.create(line.lineId().getBytes(java.nio.charset.StandardCharsets.UTF_8), line.transactionId(), line.customerId(), Timestamp.valueOf(line.day() + " 10:00:00"),
                    Date.valueOf(line.day()), line.productId(), line.category(), line.quantity(), null, BigDecimal.ZERO.setScale(2),
                    amount.setScale(2), "store", null, line.offerId(), line.quantity() < 0, amount.signum() == 0, "test.csv", "r0", ingestedAt));
        }
        return SparkTestSupport.spark().createDataFrame(rows, Tables.TRANSACTIONS.schema());
    }

    /** customer_state folded from the lines through {@code asOf}, as the rfm stage leaves it. */
    static Dataset<Row> state(Dataset<Row> transactions, LocalDate asOf) {
        return dev.onetoone.model.CustomerStateStep.fold(dev.onetoone.model.CustomerStateStep.empty(SparkTestSupport.spark()), transactions, null, asOf);
    }

    static Dataset<Row> empty(dev.onetoone.io.TableSpec table) {
        return SparkTestSupport.spark().createDataFrame(List.of(), table.schema());
    }

    static Dataset<Row> customers(String... idAndBirthDate) {
        List<Row> rows = new ArrayList<>();
        for (int index = 0; index < idAndBirthDate.length; index += 2) {
            String birth = idAndBirthDate[index + 1];
            rows.add(RowFactory.create(idAndBirthDate[index], null, null, birth == null ? null : Date.valueOf(birth), true, true, true, false,
                    true, "customers.csv", "r0", NOW));
        }
        return SparkTestSupport.spark().createDataFrame(rows, Tables.CUSTOMERS.schema());
    }

    /** A raw input of string columns, as io.InputReader gives it. */
    static RawInput raw(String file, List<String> columns, List<List<String>> values) {
        List<StructField> fields = new ArrayList<>();
        for (String column : columns) {
            fields.add(DataTypes.createStructField(column, DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(RawInput.CORRUPT_RECORD, DataTypes.StringType, true));
        List<Row> rows = new ArrayList<>();
        for (List<String> row : values) {
            var cells = new ArrayList<Object>(row);
            cells.add(null);
            rows.add(RowFactory.create(cells.toArray()));
        }
        return new RawInput(SparkTestSupport.spark().createDataFrame(rows, new StructType(fields.toArray(StructField[]::new))), file, columns);
    }

    /** An in-memory programme: the tables a night reads, updated after each night like the runner updates them. */
    static final class Programme {
        final LoyaltyConfig config;
        Dataset<Row> transactions;
        Dataset<Row> customers;
        Dataset<Row> offers = empty(Tables.OFFERS);
        Dataset<Row> ledger = empty(Tables.POINTS_LEDGER);
        Dataset<Row> memberTier = empty(Tables.MEMBER_TIER);
        Dataset<Row> referrals = empty(Tables.REFERRALS);
        LoyaltyNight.Result last;
        /** Whether the nights get each member's first purchase day from customer_state, folded from the lines. */
        boolean firstPurchasesFromState;
        /** points_balance after the last night run with {@link #night(String, boolean, Optional, Optional)}. */
        Dataset<Row> balances;
        LocalDate lastNight;
        /** When the last night run with {@link #night(String, boolean, Optional, Optional)} started. */
        Timestamp lastStarted;

        Programme(LoyaltyConfig config, List<Line> lines, Dataset<Row> customers) {
            this.config = config;
            this.transactions = transactions(lines);
            this.customers = customers;
        }

        /** Runs a night and appends its entries; returns the entries added. */
        List<Row> night(String day, Optional<Dataset<Row>> redemptions, Optional<Dataset<Row>> referralRows) {
            LocalDate asOf = LocalDate.parse(day);
            var inputs = inputs(redemptions, referralRows);
            if (firstPurchasesFromState) {
                inputs.firstPurchases(state(transactions, asOf));
            }
            last = new LoyaltyNight(config, "run-" + day, NOW).run(inputs.build(), asOf);
            List<Row> added = last.entries().collectAsList();
            ledger = SparkTestSupport.spark().createDataFrame(concat(ledger.collectAsList(), added), Tables.POINTS_LEDGER.schema());
            return added;
        }

        /** The programme's tables as they stand, with the night's event files. */
        private LoyaltyNight.Inputs.Builder inputs(Optional<Dataset<Row>> redemptions, Optional<Dataset<Row>> referralRows) {
            return LoyaltyNight.Inputs.builder().transactions(transactions).ledger(ledger).memberTier(memberTier).customers(customers)
                    .offers(offers).referrals(referrals).redemptions(redemptions).referralRows(referralRows);
        }

        List<Row> night(String day) {
            return night(day, Optional.empty(), Optional.empty());
        }

        /** The balances derived from the ledger for the day. */
        Row balance(String customerId, String day) {
            Dataset<Row> tiers = memberTier.where("valid_to is null").select("customer_id", "tier");
            return BalanceStep.balances(ledger, tiers, LocalDate.parse(day), config.tierWindowDays())
                    .where(org.apache.spark.sql.functions.col("customer_id").equalTo(customerId)).first();
        }

        /**
         * Runs a night as the loyalty runner does, keeping points_balance and member_tier too: with {@code incremental}
         * and the night before (or the same night, a rerun) run last, the night reads the ledger rows of the members it
         * touches, and only the lines of members with a line ingested since that night started ({@link #started}), and
         * folds the last balances; otherwise it reads the whole ledger and sums every balance (a rebuild). Accepted
         * referrals join the referrals table. Returns the entries added.
         */
        List<Row> night(String day, boolean incremental, Optional<Dataset<Row>> redemptions, Optional<Dataset<Row>> referralRows) {
            LocalDate asOf = LocalDate.parse(day);
            var spark = SparkTestSupport.spark();
            boolean fold = incremental && (asOf.minusDays(1).equals(lastNight) || asOf.equals(lastNight));
            Optional<LocalDate> previous = fold ? Optional.of(lastNight) : Optional.empty();
            var inputs = inputs(redemptions, referralRows).previousNight(previous).previousStartedAt(fold ? Optional.of(lastStarted) : Optional.empty());
            last = new LoyaltyNight(config, "run-" + day, NOW).run(inputs.build(), asOf);
            List<Row> added = last.entries().collectAsList();
            Dataset<Row> addedRows = spark.createDataFrame(added, Tables.POINTS_LEDGER.schema());
            ledger = spark.createDataFrame(concat(ledger.collectAsList(), added), Tables.POINTS_LEDGER.schema());
            referrals = spark.createDataFrame(concat(referrals.collectAsList(), last.acceptedReferrals()
                    .withColumn("run_id", org.apache.spark.sql.functions.lit("run-" + day))
                    .withColumn("accepted_at", org.apache.spark.sql.functions.lit(NOW))
                    .select(Tables.REFERRALS.schema().fieldNames()[0], java.util.Arrays.copyOfRange(Tables.REFERRALS.schema().fieldNames(), 1,
                            Tables.REFERRALS.schema().fieldNames().length))
                    .collectAsList()), Tables.REFERRALS.schema());

            Dataset<Row> tierRows;
            Dataset<Row> figures = null;
            if (fold) {
                figures = BalanceStep.fold(balances, lastNight, addedRows, ledger, asOf, config.tierWindowDays());
                figures = spark.createDataFrame(figures.collectAsList(), figures.schema());
                tierRows = new TierStep(config).review(figures.select("customer_id", "qualifying"), ledger, memberTier, asOf, "run-" + day);
            } else {
                tierRows = new TierStep(config).review(ledger, memberTier, asOf, "run-" + day);
            }
            // Upsert by (customer_id, valid_from), as the runner's MERGE does.
            java.util.Map<String, Row> tiers = new java.util.TreeMap<>();
            for (Row row : memberTier.collectAsList()) {
                tiers.put(row.getString(0) + "|" + row.get(2), row);
            }
            for (Row row : tierRows.collectAsList()) {
                tiers.put(row.<String>getAs("customer_id") + "|" + row.getAs("valid_from"), RowFactory.create(row.getAs("customer_id"), row.getAs("tier"),
                        row.getAs("valid_from"), row.getAs("valid_to"), row.getAs("change"), row.getAs("qualifying_points"), row.getAs("run_id")));
            }
            memberTier = spark.createDataFrame(new ArrayList<>(tiers.values()), Tables.MEMBER_TIER.schema());
            Dataset<Row> current = memberTier.where("valid_to is null").select("customer_id", "tier");
            Dataset<Row> derived = fold ? BalanceStep.withTiers(figures, current, asOf)
                    : BalanceStep.balances(ledger, current, asOf, config.tierWindowDays());
            balances = spark.createDataFrame(derived.collectAsList(), derived.schema());
            lastNight = asOf;
            lastStarted = started(day);
            return added;
        }

        /** When the night of {@code day} starts: 02:00 that day. */
        static Timestamp started(String day) {
            return Timestamp.valueOf(day + " 02:00:00");
        }

        private static List<Row> concat(List<Row> first, List<Row> second) {
            List<Row> all = new ArrayList<>(first);
            all.addAll(second);
            return all;
        }
    }

    static long sum(List<Row> entries, String entryType, String bucket) {
        return entries.stream().filter(row -> row.<String>getAs("entry_type").equals(entryType) && row.<String>getAs("bucket").equals(bucket))
                .mapToLong(row -> row.<Long>getAs("points")).sum();
    }
}
