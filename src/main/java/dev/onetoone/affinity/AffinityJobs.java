package dev.onetoone.affinity;

import org.apache.spark.sql.SparkSession;

/** Labels the Spark jobs of the affinity stage, so that the UI and event log say which step ran. */
public final class AffinityJobs {
    private AffinityJobs() {
    }

    /** Sets the job description "affinity: {@code step}" for the jobs this thread starts next. */
    public static void describe(SparkSession spark, String step) {
        spark.sparkContext().setJobDescription("affinity: " + step);
    }
}
