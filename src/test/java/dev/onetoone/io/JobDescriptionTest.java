package dev.onetoone.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

class JobDescriptionTest extends SparkTestSupport {

    @Test
    void theDescriptionIsTheStageAndTheStepSeparatedByAColon() {
        try {
            JobDescription.set(spark(), "loyalty", "earn");
            // Spark keeps the description in this thread-local property; the UI and event log show it per job
            assertEquals("loyalty: earn", spark().sparkContext().getLocalProperty("spark.job.description"));
        } finally {
            spark().sparkContext().setJobDescription(null);
        }
    }
}
