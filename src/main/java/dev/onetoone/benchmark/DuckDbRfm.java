package dev.onetoone.benchmark;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;

/**
 * The peer: the project's RFM measures and quintile scores computed by DuckDB, in one process, from the same Parquet
 * files, through DuckDB's JDBC driver (only plain {@code java.sql} here, so the driver is needed at run time only).
 *
 * <p>It follows {@code rfm.RfmScoring}: purchase lines only for first and last purchase day, frequency in distinct
 * purchase days and in distinct orders (the transaction id, or the day when there is none), monetary value net of
 * returns, customers with no purchase line not scored; scores are 1 plus the number of quintile cut points strictly
 * below the value, recency reversed. Where SQL on the raw file differs from the stage:
 * <ul>
 * <li>it reads the input file, not the ingested {@code transactions} table: a return is a line with a negative
 * quantity (the stage also honours {@code ingest.cancellation-prefix}, empty by default), and no line is
 * quarantined or deduplicated (the generated input has no bad or duplicate line, which ingest's counts confirm);</li>
 * <li>the cut points are exact quantiles ({@code quantile_disc}), where the stage uses Spark's Greenwald-Khanna
 * approximation with relative rank error {@code rfm.quantile-relative-error} (0.001): scores can differ for customers
 * within 0.1% of the population's rank of a cut point;</li>
 * <li>segment and customer type are not derived (two CASE expressions on the scores; no data access).</li>
 * </ul>
 */
public final class DuckDbRfm {
    private static final String QUINTILES = "[0.2, 0.4, 0.6, 0.8]";

    private final ZoneId timeZone;
    private final int threads;
    private final String memoryLimit;

    /**
     * @param timeZone    zone of purchase days (the configured {@code time-zone}, as ingest uses it)
     * @param threads     DuckDB worker threads (the cores Spark gets, for a like-for-like comparison)
     * @param memoryLimit DuckDB's memory limit, e.g. {@code 4GB}
     */
    public DuckDbRfm(ZoneId timeZone, int threads, String memoryLimit) {
        this.timeZone = timeZone;
        this.threads = threads;
        this.memoryLimit = memoryLimit;
    }

    /** Computes RFM as of {@code asOf} from the Parquet directory {@code transactions} into the Parquet file {@code output}. */
    public StageMeasurement run(Path transactions, LocalDate asOf, Path output, long linesIn) {
        HeapPeak.reset();
        long started = System.nanoTime();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            String copy = "COPY (" + selectSql(parquetGlob(transactions), asOf) + ") TO '" + quoted(output.toString())
                    + "' (FORMAT parquet)";
            long rows = statement.execute(copy) ? firstLong(statement.getResultSet()) : statement.getUpdateCount();
            double seconds = (System.nanoTime() - started) / 1e9;
            return new StageMeasurement(StageMeasurement.PEER, "duckdb rfm", seconds, linesIn, rows, HeapPeak.peakBytes(),
                    StageMeasurement.currentLoadAverage());
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB RFM on " + transactions + " failed: " + e.getMessage(), e);
        }
    }

    /** An in-memory DuckDB connection with this peer's threads, memory limit and time zone. */
    public Connection connect() throws SQLException {
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:duckdb:");
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB's JDBC driver (org.duckdb:duckdb_jdbc) is not on the class path: "
                    + "run the benchmark through jobs/onetoone after mvn package (which copies it to target/benchmark-lib), "
                    + "or leave the peer out with --skip-stages peer (" + e.getMessage() + ")", e);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET threads = " + threads);
            statement.execute("SET memory_limit = '" + quoted(memoryLimit) + "'");
            statement.execute("SET TimeZone = '" + quoted(timeZone.getId()) + "'");
        }
        return connection;
    }

    /** Every Parquet part file of a directory written by Spark. */
    static String parquetGlob(Path directory) {
        return directory.resolve("*.parquet").toString();
    }

    /**
     * The RFM query: one row per scored customer with customer_id, first_purchase_date, last_purchase_date,
     * tenure_days, recency_days, frequency_days, frequency_orders, monetary_total, monetary_avg, r_score, f_score,
     * m_score. Columns as in the raw transactions file: customer_id, transaction_id, ts, quantity, amount.
     */
    static String selectSql(String parquetGlob, LocalDate asOf) {
        String day = "DATE '" + asOf + "'";
        String purchase = "FILTER (WHERE NOT is_return)";
        return String.join("\n",
                "WITH lines AS (",
                "  SELECT customer_id, transaction_id, CAST(ts AS DATE) AS purchase_date, quantity < 0 AS is_return,",
                "         CAST(amount AS DECIMAL(18, 2)) AS amount",
                "  FROM read_parquet('" + quoted(parquetGlob) + "')",
                "  WHERE CAST(ts AS DATE) <= " + day + "),",
                "measures AS (",
                "  SELECT customer_id,",
                "         min(purchase_date) " + purchase + " AS first_purchase_date,",
                "         max(purchase_date) " + purchase + " AS last_purchase_date,",
                "         count(DISTINCT purchase_date) " + purchase + " AS frequency_days,",
                "         count(DISTINCT coalesce(transaction_id, 'day:' || CAST(purchase_date AS VARCHAR))) " + purchase
                        + " AS frequency_orders,",
                "         sum(amount) AS monetary_total",
                "  FROM lines GROUP BY customer_id",
                "  HAVING min(purchase_date) " + purchase + " IS NOT NULL),",
                "rfm AS (",
                "  SELECT customer_id, first_purchase_date, last_purchase_date,",
                "         date_diff('day', first_purchase_date, " + day + ") AS tenure_days,",
                "         date_diff('day', last_purchase_date, " + day + ") AS recency_days,",
                "         CAST(frequency_days AS INTEGER) AS frequency_days, frequency_orders,",
                "         CAST(monetary_total AS DECIMAL(18, 2)) AS monetary_total,",
                "         CAST(monetary_total / frequency_orders AS DECIMAL(18, 2)) AS monetary_avg",
                "  FROM measures),",
                "cuts AS (",
                "  SELECT quantile_disc(recency_days, " + QUINTILES + ") AS r, quantile_disc(frequency_days, " + QUINTILES + ") AS f,",
                "         quantile_disc(CAST(monetary_total AS DOUBLE), " + QUINTILES + ") AS m",
                "  FROM rfm)",
                "SELECT rfm.*,",
                "       5 - " + below("recency_days", "cuts.r") + " AS r_score,",
                "       1 + " + below("frequency_days", "cuts.f") + " AS f_score,",
                "       1 + " + below("CAST(monetary_total AS DOUBLE)", "cuts.m") + " AS m_score",
                "FROM rfm CROSS JOIN cuts");
    }

    /** Number of the four cut points strictly below the value, as {@code RfmScoring.countBelow}. */
    private static String below(String value, String cuts) {
        var terms = new StringBuilder("(");
        for (int index = 1; index <= 4; index++) {
            terms.append(index > 1 ? " + " : "")
                    .append(String.format(Locale.ROOT, "CAST(%s > %s[%d] AS INTEGER)", value, cuts, index));
        }
        return terms.append(")").toString();
    }

    private static String quoted(String literal) {
        return literal.replace("'", "''");
    }

    private static long firstLong(ResultSet results) throws SQLException {
        try (results) {
            return results.next() ? results.getLong(1) : 0;
        }
    }
}
