package dev.onetoone.benchmark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.onetoone.io.JobDescription;
import dev.onetoone.io.LocalFiles;
import dev.onetoone.io.Tables;

/**
 * The benchmark's input files: a generated history up to {@code lastHistoryDay} and, in a directory of its own, the
 * one day after it, both in Parquet. The generator draws the whole window up to the extra day (so the extra day holds
 * what that day's purchases would be, about 1/730 of two years' lines), writes CSV on the way, and Spark splits it by
 * purchase day into typed Parquet. The CSV is streamed customer by customer and the split is a Spark job, so nothing
 * per customer is held on the driver at any size. Two runs with the same customers, window and seed write the same rows.
 *
 * @param history        directory with transactions.parquet, customers.parquet and products.parquet
 * @param extraDay       directory with transactions.parquet holding only the extra day's lines
 * @param lastHistoryDay last purchase day in {@code history}
 * @param historyLines   transaction lines in the history
 * @param extraDayLines  transaction lines on the extra day
 */
public record BenchmarkInput(Path history, Path extraDay, LocalDate lastHistoryDay, long historyLines, long extraDayLines) {
    /** The generator's transaction columns, typed as a source system would export them. */
    static final StructType TRANSACTIONS_SCHEMA = new StructType()
            .add("transaction_id", DataTypes.StringType)
            .add("customer_id", DataTypes.StringType)
            .add("ts", DataTypes.TimestampType)
            .add("product_id", DataTypes.StringType)
            .add("category", DataTypes.StringType)
            .add("quantity", DataTypes.IntegerType)
            .add("unit_price", Tables.UNIT_PRICE)
            .add("discount", Tables.MONEY)
            .add("amount", Tables.MONEY)
            .add("channel", DataTypes.StringType)
            .add("store_id", DataTypes.StringType)
            .add("offer_id", DataTypes.StringType);

    public LocalDate extraDayDate() {
        return lastHistoryDay.plusDays(1);
    }

    /**
     * Writes generated data as CSV (transactions.csv, customers.csv, products.csv) into a directory and returns the
     * number of transaction lines. The command supplies the sample generator, so that this package, like the
     * pipeline, does not depend on the generator's code.
     */
    @FunctionalInterface
    public interface Generator {
        long writeCsv(Path directory, int customers, LocalDate start, LocalDate end, long seed) throws IOException;
    }

    /**
     * Generates the input under {@code workDir}, or reuses it when a previous run with the same settings wrote it
     * (the files are deterministic, and the generation is not part of any measured figure).
     */
    public static BenchmarkInput prepare(SparkSession spark, Generator generator, Path workDir, int customers, LocalDate start,
            LocalDate lastHistoryDay, long seed) {
        String key = "customers-" + customers + "_" + start + "_" + lastHistoryDay + "_seed-" + seed;
        Path root = workDir.resolve("input").resolve(key);
        Path history = root.resolve("history");
        Path extraDay = root.resolve("extra-day");
        Path done = root.resolve("_COMPLETE");
        JobDescription.set(spark, "benchmark", "prepare input");
        try {
            if (!Files.exists(done)) {
                LocalFiles.deleteRecursively(root);
                Path generated = Files.createDirectories(root.resolve("generated"));
                if (generator.writeCsv(generated, customers, start, lastHistoryDay.plusDays(1), seed) == 0) {
                    throw new IllegalStateException("the generator wrote no transaction lines for " + customers + " customers");
                }
                writeSplit(spark, generated, history, extraDay, lastHistoryDay);
                copyMasterData(spark, generated, history);
                LocalFiles.deleteRecursively(generated);
                Files.writeString(done, key + "\n");
            }
            long historyLines = spark.read().parquet(history.resolve("transactions.parquet").toString()).count();
            long extraDayLines = spark.read().parquet(extraDay.resolve("transactions.parquet").toString()).count();
            return new BenchmarkInput(history, extraDay, lastHistoryDay, historyLines, extraDayLines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the benchmark input under " + root, e);
        } finally {
            JobDescription.clear(spark);
        }
    }

    /** Lines purchased up to and including {@code lastHistoryDay} (in the session's time zone). */
    public static Dataset<Row> historyPart(Dataset<Row> lines, LocalDate lastHistoryDay) {
        return lines.where(to_date(col("ts")).leq(lit(Date.valueOf(lastHistoryDay))));
    }

    /** Lines purchased on the day after {@code lastHistoryDay}. */
    public static Dataset<Row> extraDayPart(Dataset<Row> lines, LocalDate lastHistoryDay) {
        return lines.where(to_date(col("ts")).equalTo(lit(Date.valueOf(lastHistoryDay.plusDays(1)))));
    }

    private static void writeSplit(SparkSession spark, Path generated, Path history, Path extraDay, LocalDate lastHistoryDay) {
        Dataset<Row> lines = spark.read().option("header", "true").option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
                .schema(TRANSACTIONS_SCHEMA).csv(generated.resolve("transactions.csv").toString());
        historyPart(lines, lastHistoryDay).write().mode(SaveMode.ErrorIfExists)
                .parquet(history.resolve("transactions.parquet").toString());
        extraDayPart(lines, lastHistoryDay).coalesce(1).write().mode(SaveMode.ErrorIfExists)
                .parquet(extraDay.resolve("transactions.parquet").toString());
    }

    private static void copyMasterData(SparkSession spark, Path generated, Path history) {
        for (String entity : new String[] {"customers", "products"}) {
            spark.read().option("header", "true").option("inferSchema", "true").csv(generated.resolve(entity + ".csv").toString())
                    .coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(history.resolve(entity + ".parquet").toString());
        }
    }
}
