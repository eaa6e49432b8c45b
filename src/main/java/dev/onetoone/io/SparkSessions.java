package dev.onetoone.io;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import dev.onetoone.config.OneToOneConfig;

/**
 * Builds the Spark session with Delta enabled. Under spark-submit the master and resources come from the
 * submission; when no master is set (tests, IDE) the session runs locally on every core. Settings that only make
 * sense on one machine (few shuffle partitions, no UI, small Delta snapshot parallelism) apply to local masters
 * unless the configuration sets them.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession getOrCreate(OneToOneConfig config, String appName) {
        var conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        conf.setIfMissing("spark.app.name", appName);
        conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
        conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        conf.set("spark.sql.session.timeZone", config.timeZone().getId());
        boolean local = conf.get("spark.master").startsWith("local");
        if (local) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.sql.shuffle.partitions", "8");
            conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "2");
            // Spark's in-memory catalog makes a directory for its default database when first used; it holds no
            // data of ours (tables are external, registered with LOCATION), so it goes to the temporary directory
            // rather than into the warehouse or the working directory.
            conf.setIfMissing("spark.sql.warehouse.dir", sessionCatalogDirectory());
        }
        conf.setIfMissing("spark.databricks.delta.schema.autoMerge.enabled", "false");
        config.sparkSettings().forEach(conf::set);
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        // A session shared with a caller (tests) keeps its own settings except the time zone, which every stage relies on.
        session.conf().set("spark.sql.session.timeZone", config.timeZone().getId());
        return session;
    }

    /** Directory of the local session catalog's default database: under java.io.tmpdir, one per user. */
    public static String sessionCatalogDirectory() {
        return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "onetoone-spark-catalog-" + System.getProperty("user.name"))
                .toUri().toString();
    }
}
