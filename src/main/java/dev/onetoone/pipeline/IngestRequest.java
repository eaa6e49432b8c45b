package dev.onetoone.pipeline;

import java.util.Optional;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.SourceEntity;
import dev.onetoone.io.InputReader;

/** Which files one ingest loads. Any of the three may be absent. */
public record IngestRequest(Optional<String> transactions, Optional<String> customers, Optional<String> products) {

    /**
     * A directory holding {@code transactions.*}, {@code customers.*} and {@code products.*} files (any may be
     * missing, but at least one must be there), or a single transactions file.
     */
    public static IngestRequest fromInput(String input) {
        if (java.nio.file.Files.isDirectory(java.nio.file.Path.of(input))) {
            var request = new IngestRequest(
                    InputReader.findInDirectory(input, SourceEntity.TRANSACTIONS),
                    InputReader.findInDirectory(input, SourceEntity.CUSTOMERS),
                    InputReader.findInDirectory(input, SourceEntity.PRODUCTS));
            if (request.isEmpty()) {
                throw new ConfigException("input directory " + input
                        + " holds no transactions.*, customers.* or products.* file (csv, csv.gz, parquet, json, jsonl)");
            }
            return request;
        }
        return new IngestRequest(Optional.of(input), Optional.empty(), Optional.empty());
    }

    public boolean isEmpty() {
        return transactions.isEmpty() && customers.isEmpty() && products.isEmpty();
    }
}
