package dev.onetoone.io;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.SourceEntity;

/**
 * Reads input files of any supported format into {@link RawInput}: every column as text, so that validation (not
 * the reader) decides what is bad and can quarantine it with the raw value. CSV lines that do not split into the
 * header's fields are kept whole in {@link RawInput#CORRUPT_RECORD}, as are unparsable JSON lines.
 */
public final class InputReader {
    /** Supported input formats; chosen from the file extension unless given. */
    public enum Format { CSV, PARQUET, JSON }

    private final SparkSession spark;
    private final String delimiter;

    public InputReader(SparkSession spark, String delimiter) {
        this.spark = spark;
        this.delimiter = delimiter;
    }

    public static Format formatOf(String path) {
        String name = path.toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet") || name.endsWith(".pq")) {
            return Format.PARQUET;
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")
                || name.endsWith(".json.gz") || name.endsWith(".jsonl.gz")) {
            return Format.JSON;
        }
        if (name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".txt") || name.endsWith(".tsv")) {
            return Format.CSV;
        }
        throw new ConfigException("cannot tell the format of input file " + path
                + ": use a .csv, .csv.gz, .parquet, .json or .jsonl extension");
    }

    /**
     * Finds the file of an entity in an input directory: {@code transactions.csv}, {@code transactions.csv.gz},
     * {@code transactions.parquet}, {@code transactions.jsonl} and so on; for a local directory only.
     */
    public static Optional<String> findInDirectory(String directory, SourceEntity entity) {
        Path dir = Path.of(directory);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> {
                        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                        return name.startsWith(entity.key() + ".") || name.startsWith(entity.key() + "_");
                    })
                    .map(Path::toString)
                    .filter(name -> !name.endsWith(".crc"))
                    .sorted()
                    .findFirst();
        } catch (IOException e) {
            throw new ConfigException("cannot list input directory " + directory + ": " + e.getMessage(), e);
        }
    }

    public RawInput read(String path) {
        // a missing file says so, rather than that its name has no known extension
        requireExists(path);
        return read(path, formatOf(path));
    }

    public RawInput read(String path, Format format) {
        requireExists(path);
        return switch (format) {
            case CSV -> readCsv(path);
            case PARQUET -> asText(spark.read().parquet(path), path);
            case JSON -> readJson(path);
        };
    }

    private RawInput readCsv(String path) {
        // Column pruning would hide malformed lines from queries that do not touch the broken fields.
        spark.conf().set("spark.sql.csv.parser.columnPruning.enabled", "false");
        String[] header = spark.read().option("header", "true").option("sep", delimiter).option("escape", "\"")
                .option("inferSchema", "false").csv(path).columns();
        if (header.length == 0) {
            throw new ConfigException("input file " + path + " is empty or has no header line");
        }
        var fields = new ArrayList<StructField>();
        for (String column : header) {
            fields.add(DataTypes.createStructField(column.trim(), DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(RawInput.CORRUPT_RECORD, DataTypes.StringType, true));
        Dataset<Row> rows = spark.read()
                .option("header", "true")
                .option("sep", delimiter)
                // RFC 4180: a quote inside a quoted field is written as two quotes ("O""Brien"); Spark's default
                // escape character is a backslash
                .option("escape", "\"")
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", RawInput.CORRUPT_RECORD)
                .option("multiLine", "false")
                .schema(new StructType(fields.toArray(StructField[]::new)))
                .csv(path);
        return new RawInput(rows, path, Arrays.stream(header).map(String::trim).toList());
    }

    private RawInput readJson(String path) {
        Dataset<Row> rows = spark.read()
                .option("primitivesAsString", "true")
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", RawInput.CORRUPT_RECORD)
                .json(path);
        return asText(rows, path);
    }

    private static RawInput asText(Dataset<Row> rows, String path) {
        List<String> sourceColumns = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        for (StructField field : rows.schema().fields()) {
            if (field.name().equals(RawInput.CORRUPT_RECORD)) {
                continue;
            }
            sourceColumns.add(field.name());
            columns.add(asText(col("`" + field.name() + "`"), field.dataType()).as(field.name()));
        }
        if (Arrays.asList(rows.columns()).contains(RawInput.CORRUPT_RECORD)) {
            columns.add(col(RawInput.CORRUPT_RECORD));
        } else {
            columns.add(org.apache.spark.sql.functions.lit(null).cast(DataTypes.StringType).as(RawInput.CORRUPT_RECORD));
        }
        return new RawInput(rows.select(columns.toArray(Column[]::new)), path, sourceColumns);
    }

    /**
     * A typed value as text. An integral floating-point or decimal value becomes integer text: pandas writes integer
     * ids with nulls as doubles, and {@code 12347.0} must be the customer {@code 12347} that a CSV export of the same
     * data names. For a numeric column the text parses back to the same number either way.
     */
    static Column asText(Column value, DataType type) {
        if (type instanceof FloatType || type instanceof DoubleType || type instanceof DecimalType) {
            // rint never fails (floor would, casting 1e30 to a long); NaN compares above every number in Spark
            Column integral = abs(value).lt(1e18).and(value.equalTo(rint(value)));
            return when(integral, value.cast(DataTypes.LongType).cast(DataTypes.StringType))
                    .otherwise(value.cast(DataTypes.StringType));
        }
        return value.cast(DataTypes.StringType);
    }

    private void requireExists(String path) {
        try {
            var hadoopPath = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = hadoopPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(hadoopPath)) {
                throw new ConfigException("input file not found: " + path);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot access input " + path + ": " + e.getMessage(), e);
        }
    }
}
