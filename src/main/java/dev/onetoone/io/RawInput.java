package dev.onetoone.io;

import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One input file as read: every source column as a string, plus {@link #CORRUPT_RECORD} holding the raw text of a
 * line the reader could not split into the header's fields (null otherwise).
 *
 * @param rows          the rows
 * @param sourceFile    path of the file, recorded on every loaded and quarantined row
 * @param sourceColumns the file's own column names, in file order
 */
public record RawInput(Dataset<Row> rows, String sourceFile, List<String> sourceColumns) {
    public static final String CORRUPT_RECORD = "_corrupt_record";

    public RawInput {
        sourceColumns = List.copyOf(sourceColumns);
    }
}
