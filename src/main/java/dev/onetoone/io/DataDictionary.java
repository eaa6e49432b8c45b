package dev.onetoone.io;

import org.apache.spark.sql.types.StructField;

/**
 * The data dictionary in Markdown, generated from the table definitions so that docs/tables.md never drifts from the
 * tables: one section per table with its description, partitioning, key and every column's type and comment.
 */
public final class DataDictionary {
    private DataDictionary() {
    }

    public static String markdown() {
        var text = new StringBuilder();
        for (TableSpec table : Tables.ALL) {
            text.append("### `").append(table.name()).append("`\n");
            text.append(table.description());
            if (!table.partitionColumns().isEmpty()) {
                text.append(" Partitioned by `").append(String.join("`, `", table.partitionColumns())).append("`.");
            }
            if (!table.keyColumns().isEmpty()) {
                text.append(" One row per `").append(String.join("`, `", table.keyColumns())).append("`.");
            }
            text.append("\n\n| column | type | meaning |\n|---|---|---|\n");
            for (StructField field : table.schema().fields()) {
                String comment = field.metadata().contains("comment") ? field.metadata().getString("comment") : "";
                text.append("| `").append(field.name()).append("` | ").append(field.dataType().simpleString())
                        .append(" | ").append(comment.replace("|", "\\|")).append(" |\n");
            }
            text.append('\n');
        }
        return text.toString();
    }
}
