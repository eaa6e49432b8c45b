package dev.onetoone.cli;

import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.operations.SqlGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run a SQL query over the warehouse. Every table is a view under its own name "
                + "(transactions, quarantine, customers, products, run_log, rfm, ...), empty until it is written.",
                "With --format csv or json only the result goes to stdout; logs go to stderr.",
                "Read-only: statements that change a table or the session, and reads of files by path or outside the warehouse, "
                        + "are refused with exit code 2 unless --allow-writes is given."})
final class SqlCommand implements Callable<Integer> {
    enum Format { table, csv, json }

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query, e.g. \"select segment, count(*) from rfm group by segment\".")
    String query;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, csv or json (one object per line). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--limit", paramLabel = "N", description = "At most N rows (default: 1000 for table, all for csv and json).")
    Integer limit;

    @Option(names = "--allow-writes", description = "Run any statement, including DELETE, UPDATE, INSERT, MERGE, DROP, OPTIMIZE and VACUUM "
            + "(administrators; takes the warehouse's run lock).")
    boolean allowWrites;

    @Override
    public Integer call() {
        var context = CommandContext.start(common, "sql");
        var warehouse = context.warehouse();
        for (TableSpec table : Tables.ALL) {
            // A table not written yet is an empty view with its schema, so a query over it returns no rows, not an error.
            warehouse.read(table).createOrReplaceTempView(table.name());
        }
        Dataset<Row> result = allowWrites ? warehouse.spark().sql(query) : new SqlGuard(warehouse.spark(), warehouse.root()).query(query);
        Integer rows = limit != null ? limit : (format == Format.table ? Integer.valueOf(1000) : null);
        if (rows != null) {
            result = result.limit(rows);
        }
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
            case json -> result.toJSON().toLocalIterator().forEachRemaining(out::println);
            case csv -> writeCsv(result, out);
            case table -> writeTable(result, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static Dataset<Row> asText(Dataset<Row> result) {
        Column[] columns = new Column[result.columns().length];
        for (int i = 0; i < columns.length; i++) {
            String name = result.columns()[i];
            columns[i] = col("`" + name + "`").cast(DataTypes.StringType).as(name);
        }
        return result.select(columns);
    }

    static void writeCsv(Dataset<Row> result, PrintWriter out) {
        out.println(String.join(",", java.util.Arrays.stream(result.columns()).map(SqlCommand::csvField).toList()));
        Iterator<Row> rows = asText(result).toLocalIterator();
        while (rows.hasNext()) {
            Row row = rows.next();
            var fields = new ArrayList<String>(row.size());
            for (int i = 0; i < row.size(); i++) {
                fields.add(row.isNullAt(i) ? "" : csvField(row.getString(i)));
            }
            out.println(String.join(",", fields));
        }
    }

    /** RFC 4180 quoting: quote fields holding a comma, quote or line break; double embedded quotes. */
    static String csvField(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    static void writeTable(Dataset<Row> result, PrintWriter out) {
        String[] names = result.columns();
        List<String[]> cells = new ArrayList<>();
        for (Row row : asText(result).collectAsList()) {
            String[] line = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                line[i] = row.isNullAt(i) ? "NULL" : row.getString(i);
            }
            cells.add(line);
        }
        int[] widths = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            widths[i] = names[i].length();
            for (String[] line : cells) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder rule = new StringBuilder("+");
        for (int width : widths) {
            rule.append("-".repeat(width + 2)).append('+');
        }
        out.println(rule);
        out.println(tableLine(names, widths));
        out.println(rule);
        for (String[] line : cells) {
            out.println(tableLine(line, widths));
        }
        out.println(rule);
        out.println(cells.size() + (cells.size() == 1 ? " row" : " rows"));
    }

    private static String tableLine(String[] values, int[] widths) {
        StringBuilder line = new StringBuilder("|");
        for (int i = 0; i < values.length; i++) {
            line.append(' ').append(values[i]).append(" ".repeat(widths[i] - values[i].length())).append(" |");
        }
        return line.toString();
    }
}
