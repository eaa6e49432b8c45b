package dev.onetoone.io;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A warehouse table: its directory name, schema (every column with a comment an analyst can read), the partition
 * columns and the key that identifies a row.
 */
public record TableSpec(String name, String description, StructType schema, List<String> partitionColumns, List<String> keyColumns) {

    public TableSpec {
        partitionColumns = List.copyOf(partitionColumns);
        keyColumns = List.copyOf(keyColumns);
        for (String column : partitionColumns) {
            schema.fieldIndex(column);
        }
        for (String column : keyColumns) {
            schema.fieldIndex(column);
        }
    }

    /** True when the table is written one as-of date at a time (partitioned by {@code as_of}). */
    public boolean isDated() {
        return partitionColumns.contains("as_of");
    }

    /** Small builder so table definitions read as a column list. */
    public static final class Builder {
        private final String name;
        private final String description;
        private final List<StructField> fields = new ArrayList<>();
        private List<String> partitionColumns = List.of();
        private List<String> keyColumns = List.of();

        public Builder(String name, String description) {
            this.name = name;
            this.description = description;
        }

        public Builder column(String column, DataType type, String comment) {
            return column(column, type, true, comment);
        }

        public Builder required(String column, DataType type, String comment) {
            return column(column, type, false, comment);
        }

        private Builder column(String column, DataType type, boolean nullable, String comment) {
            Metadata metadata = new MetadataBuilder().putString("comment", comment).build();
            fields.add(new StructField(column, type, nullable, metadata));
            return this;
        }

        public Builder partitionedBy(String... columns) {
            partitionColumns = List.of(columns);
            return this;
        }

        public Builder keyedBy(String... columns) {
            keyColumns = List.of(columns);
            return this;
        }

        public TableSpec build() {
            return new TableSpec(name, description, new StructType(fields.toArray(StructField[]::new)), partitionColumns, keyColumns);
        }
    }
}
