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
        List<Row> rows = new ArrayList<>();
        for (Line line : lines) {
            BigDecimal amount = new BigDecimal(line.amount());
            rows.add(RowFactory.create(line.lineId().getBytes(java.nio.charset.StandardCharsets.UTF_8), line.transactionId(), line.customerId(), Timestamp.valueOf(line.day() + " 10:00:00"),
                    Date.valueOf(line.day()), line.productId(), line.category(), line.quantity(), null, BigDecimal.ZERO.setScale(2),
                    amount.setScale(2), "store", null, line.offerId(), line.quantity() < 0, amount.signum() == 0, "test.csv", "r0", NOW));
        }
        return SparkTestSupport.spark().createDataFrame(rows, Tables.TRANSACTIONS.schema());
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

        Programme(LoyaltyConfig config, List<Line> lines, Dataset<Row> customers) {
            this.config = config;
            this.transactions = transactions(lines);
            this.customers = customers;
        }

        /** Runs a night and appends its entries; returns the entries added. */
        List<Row> night(String day, Optional<Dataset<Row>> redemptions, Optional<Dataset<Row>> referralRows) {
            LocalDate asOf = LocalDate.parse(day);
            var inputs = new LoyaltyNight.Inputs(transactions, ledger, memberTier, customers, offers, referrals, redemptions, referralRows);
            last = new LoyaltyNight(config, "run-" + day, NOW).run(inputs, asOf);
            List<Row> added = last.entries().collectAsList();
            ledger = SparkTestSupport.spark().createDataFrame(concat(ledger.collectAsList(), added), Tables.POINTS_LEDGER.schema());
            return added;
        }

        List<Row> night(String day) {
            return night(day, Optional.empty(), Optional.empty());
        }

        /** The balances derived from the ledger for the day. */
        Row balance(String customerId, String day) {
            Dataset<Row> tiers = memberTier.where("valid_to is null").select("customer_id", "tier");
            return BalanceStage.balances(ledger, tiers, LocalDate.parse(day), config.tierWindowDays())
                    .where(org.apache.spark.sql.functions.col("customer_id").equalTo(customerId)).first();
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
