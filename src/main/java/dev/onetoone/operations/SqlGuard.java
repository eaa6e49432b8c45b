package dev.onetoone.operations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.CompoundPlanStatement;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.delta.catalog.DeltaTableV2;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;

import scala.jdk.javaapi.CollectionConverters;

/**
 * Keeps the {@code sql} command read-only and inside one warehouse. The check works on Spark's own plans, not on
 * the text: a statement is parsed first and refused if any node of the parsed plan is a command or statement
 * (DELETE, UPDATE, INSERT, MERGE, CREATE, DROP, ALTER, OPTIMIZE, VACUUM, TRUNCATE, REFRESH, CACHE, SET, RESET,
 * ADD JAR, SQL scripts, ...), a table-valued function outside a short list of generators, a {@code format.`path`} relation
 * (Spark's "SQL on files") or a call of {@code reflect}/{@code java_method}. Only then is the query analysed (which
 * runs nothing), and every relation the analysed plan reads, subqueries included, must be a Delta or file relation
 * whose paths lie under the warehouse root, or an inline relation (VALUES, range). Anything else is refused: the
 * check lists what is allowed, so node types that a later Spark or Delta adds are refused until reviewed.
 */
public final class SqlGuard {
    /** Table-valued functions that only generate rows from their arguments. */
    private static final Set<String> GENERATOR_FUNCTIONS = Set.of("range", "explode", "explode_outer", "inline", "inline_outer",
            "posexplode", "posexplode_outer", "json_tuple", "stack", "variant_explode", "variant_explode_outer");
    /** Scalar functions that call arbitrary Java methods. */
    private static final Set<String> REFLECTION_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");
    /** Spark's and Delta's names of file sources, as in {@code parquet.`/path`}. */
    private static final Set<String> FILE_SOURCES = Set.of("delta", "parquet", "orc", "json", "csv", "text", "avro",
            "binaryfile", "xml", "libsvm", "image", "noop");

    private final SparkSession spark;
    private final Path warehouseRoot;

    public SqlGuard(SparkSession spark, String warehouseRoot) {
        this.spark = spark;
        this.warehouseRoot = qualify(spark, new Path(warehouseRoot));
    }

    /**
     * Parses, checks and analyses a read-only query. Throws {@link SqlRejectedException} naming what was refused;
     * nothing of a refused statement has run.
     */
    public Dataset<Row> query(String sql) {
        LogicalPlan parsed;
        try {
            parsed = sessionState().sqlParser().parsePlan(sql);
        } catch (org.apache.spark.sql.catalyst.parser.ParseException e) {
            throw new SqlRejectedException("cannot parse the query: " + e.getMessage());
        }
        checkParsed(parsed);
        Dataset<Row> result = spark.sql(sql);
        checkAnalysed(((org.apache.spark.sql.classic.Dataset<Row>) result).queryExecution().analyzed());
        return result;
    }

    private org.apache.spark.sql.internal.SessionState sessionState() {
        return ((org.apache.spark.sql.classic.SparkSession) spark).sessionState();
    }

    private void checkParsed(LogicalPlan parsed) {
        for (LogicalPlan node : nodes(parsed)) {
            if (node instanceof Command || node instanceof ParsedStatement || node instanceof CompoundPlanStatement) {
                throw new SqlRejectedException("only queries may run; this statement would change the warehouse or the session ("
                        + node.nodeName() + "). Statements that write need --allow-writes");
            }
            if (node instanceof UnresolvedTableValuedFunction function) {
                String name = last(CollectionConverters.asJava(function.name()));
                if (!GENERATOR_FUNCTIONS.contains(name)) {
                    throw new SqlRejectedException("the table function " + name + " is not allowed; tables are read by name");
                }
            }
            if (node instanceof UnresolvedRelation relation) {
                List<String> parts = CollectionConverters.asJava(relation.multipartIdentifier());
                if (parts.size() == 2 && FILE_SOURCES.contains(parts.get(0).toLowerCase(Locale.ROOT))) {
                    throw new SqlRejectedException("reading files by path (" + parts.get(0) + ".`" + parts.get(1)
                            + "`) is not allowed; query the tables by name");
                }
            }
            for (Expression expression : CollectionConverters.asJava(node.expressions())) {
                checkExpression(expression);
            }
        }
    }

    private static void checkExpression(Expression expression) {
        if (expression instanceof UnresolvedFunction function) {
            String name = last(CollectionConverters.asJava(function.nameParts()));
            if (REFLECTION_FUNCTIONS.contains(name)) {
                throw new SqlRejectedException("the function " + name + " is not allowed");
            }
        }
        if (expression instanceof CallMethodViaReflection) {
            throw new SqlRejectedException("calling Java methods by reflection is not allowed");
        }
        for (Expression child : CollectionConverters.asJava(expression.children())) {
            checkExpression(child);
        }
    }

    private void checkAnalysed(LogicalPlan analysed) {
        for (LogicalPlan node : nodes(analysed)) {
            if (node instanceof Command) {
                throw new SqlRejectedException("only queries may run (" + node.nodeName() + ")");
            }
            for (Expression expression : CollectionConverters.asJava(node.expressions())) {
                checkExpression(expression);
            }
            if (!node.children().isEmpty()) {
                continue;
            }
            if (node instanceof LogicalRelation relation) {
                if (!(relation.relation() instanceof HadoopFsRelation files)) {
                    throw new SqlRejectedException("reading " + relation.relation().getClass().getSimpleName() + " is not allowed");
                }
                for (Path path : CollectionConverters.asJava(files.location().rootPaths())) {
                    requireInsideWarehouse(path);
                }
            } else if (node instanceof DataSourceV2Relation relation) {
                if (!(relation.table() instanceof DeltaTableV2 delta)) {
                    throw new SqlRejectedException("reading the table " + relation.table().name() + " is not allowed");
                }
                requireInsideWarehouse(delta.path());
            } else if (!(node instanceof LocalRelation || node instanceof OneRowRelation || node instanceof Range
                    || node instanceof CTERelationRef || node instanceof LogicalRDD)) {
                throw new SqlRejectedException("reading from " + node.nodeName() + " is not allowed");
            }
        }
    }

    private void requireInsideWarehouse(Path path) {
        Path qualified = qualify(spark, path);
        String root = warehouseRoot.toString();
        String candidate = qualified.toString();
        if (!(candidate.equals(root) || candidate.startsWith(root.endsWith("/") ? root : root + "/"))) {
            throw new SqlRejectedException("reading " + candidate + " is not allowed: only tables under the warehouse " + root
                    + " can be queried");
        }
    }

    private static Path qualify(SparkSession spark, Path path) {
        try {
            FileSystem fileSystem = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fileSystem.makeQualified(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + path, e);
        }
    }

    /** Every node of the plan, children and the plans of subquery expressions included. */
    private static List<LogicalPlan> nodes(LogicalPlan root) {
        List<LogicalPlan> all = new ArrayList<>();
        List<LogicalPlan> pending = new ArrayList<>(List.of(root));
        while (!pending.isEmpty()) {
            LogicalPlan node = pending.remove(pending.size() - 1);
            all.add(node);
            pending.addAll(CollectionConverters.asJava(node.children()));
            pending.addAll(CollectionConverters.asJava(node.subqueries()));
            pending.addAll(CollectionConverters.asJava(node.innerChildren()).stream()
                    .filter(LogicalPlan.class::isInstance).map(LogicalPlan.class::cast).toList());
        }
        return all;
    }

    private static String last(List<String> parts) {
        return parts.isEmpty() ? "" : parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
    }
}
