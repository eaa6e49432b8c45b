package dev.onetoone.io;

import org.apache.spark.sql.SparkSession;

/**
 * Labels the Spark jobs a step starts, so that the UI, the event log and the history server say which stage and
 * step ran: the description is "{@code stage}: {@code step}" and holds for the jobs this thread starts next. Every
 * job description of the project is set here.
 */
public final class JobDescription {
    private JobDescription() {
    }

    /** Sets the job description "{@code stage}: {@code step}" for the jobs this thread starts next. */
    public static void set(SparkSession spark, String stage, String step) {
        spark.sparkContext().setJobDescription(stage + ": " + step);
    }

    /** Removes this thread's job description, when a stage ends. */
    public static void clear(SparkSession spark) {
        spark.sparkContext().setJobDescription(null);
    }
}
