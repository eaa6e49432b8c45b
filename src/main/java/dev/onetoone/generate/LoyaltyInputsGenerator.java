package dev.onetoone.generate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the loyalty programme's event inputs, {@code redemptions.csv} and {@code referrals.csv}, consistent with the
 * customers and transactions already in a directory (as written by {@link SyntheticDataGenerator}). It reads those
 * files, so it can add the events to an existing sample without changing it; the same files and seed give the same
 * bytes.
 *
 * <p>Redemptions: about a third of the customers redeem, at the till on a purchase day, half of a conservative
 * estimate of their available points rounded down to hundreds (at least 100): one point per whole currency unit of
 * lines earned 45 to 300 days before (cleared of the 30-day return window, not yet expired), less all their returns
 * and earlier redemptions. The estimate never exceeds the balance the default programme (conf/loyalty.properties)
 * gives, whose bonuses only add points. With bad rows (the shipped sample), two extra rows redeem 1,000,000 points
 * and are refused as over_balance.
 *
 * <p>Referrals: about 8% of the customers whose first purchase is at least 60 days into the period were referred,
 * 1 to 10 days before their first purchase, by a customer who had bought before the referral date (so no chain can
 * loop). With bad rows, four extra rows break the rules: a self-referral, a second referral of an already referred customer, a
 * referral back from a referred customer to their referrer (a loop; it is refused first as referred_already_customer,
 * since the referrer had bought) and a referral of a customer who had bought already.
 */
public final class LoyaltyInputsGenerator {
    private static final Logger LOGGER = LoggerFactory.getLogger(LoyaltyInputsGenerator.class);
    private static final long SALT = 0x4C4F59414C5459L;

    /** What was written. */
    public record Summary(int redemptions, int referrals) {
    }

    private record Line(String transactionId, LocalDate day, BigDecimal amount) {
    }

    private LoyaltyInputsGenerator() {
    }

    /** Regenerates the events of a directory: {@code LoyaltyInputsGenerator <directory> [seed]}. */
    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args.length > 0 ? args[0] : "data-samples/sample");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42L;
        Path transactions = Files.isRegularFile(directory.resolve("transactions.csv.gz"))
                ? directory.resolve("transactions.csv.gz") : directory.resolve("transactions.csv");
        write(directory, transactions.getFileName().toString(), seed, true);
    }

    /**
     * @param withBadRows add the rows that break the rules (two over-balance redemptions, four broken referrals), as in
     *                    the shipped sample; without them every event is accepted
     */
    public static Summary write(Path directory, String transactionsFile, long seed, boolean withBadRows) throws IOException {
        List<String> customers = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(directory.resolve("customers.csv"), StandardCharsets.UTF_8)) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    customers.add(line.substring(0, line.indexOf(',')));
                }
            }
        }
        Map<String, List<Line>> lines = new LinkedHashMap<>();
        customers.forEach(id -> lines.put(id, new ArrayList<>()));
        Path transactions = directory.resolve(transactionsFile);
        var input = Files.newInputStream(transactions);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                transactionsFile.endsWith(".gz") ? new GZIPInputStream(input) : input, StandardCharsets.UTF_8))) {
            reader.readLine();
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                String[] fields = text.split(",", -1);
                List<Line> own = lines.get(fields[1]);
                if (own != null) {
                    own.add(new Line(fields[0], LocalDate.parse(fields[2].substring(0, 10)), new BigDecimal(fields[8])));
                }
            }
        }
        var random = new SplittableRandom(seed ^ SALT);
        int redemptions = writeRedemptions(directory.resolve("redemptions.csv"), customers, lines, random.split(), withBadRows);
        int referrals = writeReferrals(directory.resolve("referrals.csv"), customers, lines, random.split(), withBadRows);
        LOGGER.info("Wrote {} redemptions and {} referrals into {}", redemptions, referrals, directory);
        return new Summary(redemptions, referrals);
    }

    private static int writeRedemptions(Path file, List<String> customers, Map<String, List<Line>> lines, SplittableRandom random,
            boolean withBadRows) throws IOException {
        int count = 0;
        LocalDate last = LocalDate.MIN;
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("redemption_id,customer_id,points,redemption_date,reward_id,order_id\n");
            for (String customer : customers) {
                List<Line> own = lines.get(customer);
                boolean redeems = random.nextDouble() < 0.35;
                long returned = 0;
                for (Line line : own) {
                    if (line.amount().signum() < 0) {
                        returned += line.amount().negate().setScale(0, java.math.RoundingMode.CEILING).longValue();
                    }
                    last = line.day().isAfter(last) ? line.day() : last;
                }
                if (!redeems) {
                    continue;
                }
                long redeemed = 0;
                LocalDate previousDay = null;
                for (Line visit : own) {
                    if (visit.amount().signum() <= 0 || visit.day().equals(previousDay)) {
                        continue;
                    }
                    previousDay = visit.day();
                    long cleared = 0;
                    for (Line line : own) {
                        if (line.amount().signum() > 0 && !line.day().plusDays(45).isAfter(visit.day()) && line.day().plusDays(300).isAfter(visit.day())) {
                            cleared += line.amount().longValue();
                        }
                    }
                    long estimate = cleared - returned - redeemed;
                    if (estimate >= 200 && random.nextDouble() < 0.5) {
                        long points = Math.max(100, estimate / 2 / 100 * 100);
                        count++;
                        out.write(String.format(java.util.Locale.ROOT, "RD%07d,%s,%d,%s,voucher_%d,%s%n", count, customer, points, visit.day(), points,
                                visit.transactionId()));
                        redeemed += points;
                    }
                }
            }
            for (int index = 0; withBadRows && index < 2 && index < customers.size(); index++) {
                count++;
                out.write(String.format(java.util.Locale.ROOT, "RD%07d,%s,1000000,%s,gift_card,%n", count, customers.get(index), last));
            }
        }
        return count;
    }

    private static int writeReferrals(Path file, List<String> customers, Map<String, List<Line>> lines, SplittableRandom random,
            boolean withBadRows) throws IOException {
        Map<String, LocalDate> first = new LinkedHashMap<>();
        LocalDate start = null;
        for (String customer : customers) {
            for (Line line : lines.get(customer)) {
                if (line.amount().signum() > 0) {
                    first.merge(customer, line.day(), (a, b) -> a.isBefore(b) ? a : b);
                }
            }
            LocalDate own = first.get(customer);
            if (own != null && (start == null || own.isBefore(start))) {
                start = own;
            }
        }
        // The referrer is drawn uniformly from the customers who had bought before the referral date, taken in the order
        // of the customers file. How many there are comes from their first days, sorted; which one the drawn position
        // names is resolved afterwards, referral dates in order (EarlierBuyers), so that the draws stay those of a scan
        // of every buyer per referral, without its cost (quadratic: hours at a million customers).
        var buyers = new EarlierBuyers(first);
        List<String[]> rows = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (String customer : customers) {
            LocalDate own = first.get(customer);
            if (own == null || own.isBefore(start.plusDays(60)) || random.nextDouble() >= 0.08) {
                continue;
            }
            LocalDate referralDate = own.minusDays(1 + random.nextInt(10));
            positions.add(random.nextInt(buyers.countBefore(referralDate)));
            rows.add(new String[] {null, customer, referralDate.toString()});
        }
        buyers.resolve(rows, positions);
        if (withBadRows && !rows.isEmpty() && customers.size() >= 4) {
            String[] firstReferral = rows.get(0);
            LocalDate later = LocalDate.parse(firstReferral[2]).plusDays(1);
            String self = customers.get(0);
            String boughtAlready = customers.get(1);
            rows.add(new String[] {self, self, later.toString()});
            rows.add(new String[] {customers.get(2), firstReferral[1], later.toString()});
            rows.add(new String[] {firstReferral[1], firstReferral[0], later.plusDays(30).toString()});
            rows.add(new String[] {customers.get(3), boughtAlready, first.getOrDefault(boughtAlready, later).plusDays(1).toString()});
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("referrer_id,referred_id,referral_date,referral_code\n");
            int code = 0;
            for (String[] row : rows) {
                code++;
                out.write(String.format(java.util.Locale.ROOT, "%s,%s,%s,REF%05d%n", row[0], row[1], row[2], code));
            }
        }
        return rows.size();
    }

    /**
     * The customers with a purchase, in the order of the customers file, with their first purchase day: answers "the
     * n-th of those who had bought before day d" for many days at once. The days are sorted to count; the positions
     * are resolved with the customers added to a Fenwick tree over their file order in order of their first day, as
     * the referral dates grow, and a descent of the tree to the n-th added.
     */
    private static final class EarlierBuyers {
        private final List<String> ids;
        private final int[] byFirstDay;
        private final long[] sortedDays;

        EarlierBuyers(Map<String, LocalDate> first) {
            ids = new ArrayList<>(first.keySet());
            long[] firstDays = first.values().stream().mapToLong(LocalDate::toEpochDay).toArray();
            byFirstDay = IntStream.range(0, ids.size()).boxed()
                    .sorted(Comparator.comparingLong(index -> firstDays[index])).mapToInt(Integer::intValue).toArray();
            sortedDays = Arrays.stream(byFirstDay).mapToLong(index -> firstDays[index]).toArray();
        }

        /** How many customers first bought before the day. */
        int countBefore(LocalDate day) {
            long epochDay = day.toEpochDay();
            int low = 0;
            int high = sortedDays.length;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (sortedDays[middle] < epochDay) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low;
        }

        /** Sets each row's referrer (column 0): the customer at its position among those who bought before its date (column 2). */
        void resolve(List<String[]> rows, List<Integer> positions) {
            Integer[] order = IntStream.range(0, rows.size()).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparing(row -> rows.get(row)[2]));
            int[] tree = new int[ids.size() + 1];
            int added = 0;
            for (int row : order) {
                long day = LocalDate.parse(rows.get(row)[2]).toEpochDay();
                while (added < byFirstDay.length && sortedDays[added] < day) {
                    for (int node = byFirstDay[added] + 1; node < tree.length; node += node & -node) {
                        tree[node]++;
                    }
                    added++;
                }
                rows.get(row)[0] = ids.get(nth(tree, positions.get(row)));
            }
        }

        /** The file index of the customer with {@code position} (0-based) added customers before it in file order. */
        private static int nth(int[] tree, int position) {
            int node = 0;
            int remaining = position + 1;
            for (int step = Integer.highestOneBit(tree.length - 1); step > 0; step >>= 1) {
                if (node + step < tree.length && tree[node + step] < remaining) {
                    node += step;
                    remaining -= tree[node];
                }
            }
            return node;
        }
    }
}
