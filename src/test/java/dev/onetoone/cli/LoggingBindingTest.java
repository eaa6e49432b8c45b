package dev.onetoone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Exactly one SLF4J binding, log4j2's, so that conf/log4j2.properties governs every library's messages. Run with
 * -Pproduction-it (hadoop-aws and the AWS SDK bundle on the classpath, as -Ps3 puts them into target/lib) it also
 * guards the S3 build against a second binding (reload4j, logback, slf4j-log4j12) arriving with hadoop-aws.
 */
class LoggingBindingTest {
    @Test
    void log4j2IsTheOnlySlf4jProvider() {
        List<String> providers = new ArrayList<>();
        ServiceLoader.load(SLF4JServiceProvider.class).forEach(provider -> providers.add(provider.getClass().getName()));
        assertEquals(List.of("org.apache.logging.slf4j.SLF4JServiceProvider"), providers);
        assertEquals("org.apache.logging.slf4j.Log4jLoggerFactory", LoggerFactory.getILoggerFactory().getClass().getName());
    }

    @Test
    void noSlf4jOneBindingOrLog4jOneIsOnTheClasspath() throws IOException {
        ClassLoader loader = LoggingBindingTest.class.getClassLoader();
        assertFalse(loader.getResources("org/slf4j/impl/StaticLoggerBinder.class").hasMoreElements(), "an SLF4J 1.x binding");
        assertFalse(loader.getResources("org/apache/log4j/DailyRollingFileAppender.class").hasMoreElements(), "log4j 1.x or reload4j");
        assertFalse(loader.getResources("ch/qos/logback/classic/Logger.class").hasMoreElements(), "logback");
    }
}
