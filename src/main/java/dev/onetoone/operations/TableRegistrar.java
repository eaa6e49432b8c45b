package dev.onetoone.operations;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.types.StructField;

import dev.onetoone.config.ConfigException;
import dev.onetoone.config.ConfigKeys;
import dev.onetoone.io.JobDescription;
import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/**
 * Registers every warehouse table that exists in the session's catalog ({@code CREATE TABLE ... USING delta
 * LOCATION}): the in-memory catalog of a local session, or the metastore the session is configured with (Hive, or a
 * catalog plugin), where it outlives the session. The data stays where it is (external tables); the table comment is
 * the table's description and each column carries its comment from the data dictionary. Rerunning is safe: a table
 * already registered at the same location is left alone; one registered elsewhere is an error naming both places.
 */
public final class TableRegistrar {
    /** What was registered. */
    public record Result(String database, List<String> registered, List<String> alreadyRegistered) {
    }

    private final Warehouse warehouse;

    public TableRegistrar(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    public Result register(String database) {
        SparkSession spark = warehouse.spark();
        JobDescription.set(spark, "register-tables", "" + database);
        spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "` COMMENT " + literal("OneToOne tables of " + warehouse.root()));
        List<String> registered = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        for (TableSpec table : Tables.ALL) {
            if (!warehouse.exists(table)) {
                continue;
            }
            String name = "`" + database + "`.`" + table.name() + "`";
            var identifier = new TableIdentifier(table.name(), scala.Option.apply(database));
            var catalog = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().catalog();
            if (catalog.tableExists(identifier)) {
                String location = warehouse.qualified(location(catalog, identifier));
                if (!location.equals(warehouse.qualified(warehouse.path(table)))) {
                    throw new ConfigException("table " + database + "." + table.name() + " is registered at " + location + ", not at "
                            + warehouse.path(table) + "; drop it or choose another database with " + ConfigKeys.CATALOG_DATABASE);
                }
                existing.add(table.name());
            } else {
                spark.sql("CREATE TABLE " + name + " USING delta COMMENT " + literal(table.description()) + " LOCATION "
                        + literal(warehouse.qualified(warehouse.path(table))));
                registered.add(table.name());
            }
            addMissingComments(name, table);
        }
        JobDescription.clear(spark);
        return new Result(database, registered, existing);
    }

    private static String location(org.apache.spark.sql.catalyst.catalog.SessionCatalog catalog, TableIdentifier identifier) {
        try {
            CatalogTable known = catalog.getTableMetadata(identifier);
            return known.location().toString();
        } catch (org.apache.spark.sql.AnalysisException e) {
            throw new IllegalStateException("cannot read the catalog entry of " + identifier + ": " + e.getMessage(), e);
        }
    }

    /** Tables written before their columns had comments get them from the data dictionary. */
    private void addMissingComments(String name, TableSpec table) {
        SparkSession spark = warehouse.spark();
        var described = new java.util.HashMap<String, String>();
        for (Row row : spark.sql("DESCRIBE TABLE " + name).collectAsList()) {
            if (row.getString(0) == null || row.getString(0).startsWith("#")) {
                break;
            }
            described.put(row.getString(0), row.isNullAt(2) ? "" : row.getString(2));
        }
        for (StructField field : table.schema().fields()) {
            String wanted = field.getComment().getOrElse(() -> "");
            if (described.containsKey(field.name()) && !wanted.isEmpty() && !wanted.equals(described.get(field.name()))) {
                spark.sql("ALTER TABLE " + name + " ALTER COLUMN `" + field.name() + "` COMMENT " + literal(wanted));
            }
        }
    }

    /** A Spark SQL string literal: backslashes and single quotes escaped. */
    static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
