package dev.onetoone.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Marks an integration test class that reads the shared sample night ({@link SampleNight}). The build runs the
 * integration tests in two groups: first those without this tag, while a separate JVM runs the night
 * ({@link SampleNightPrebuild}), then those with it, which find the night ready instead of waiting for it one by one.
 * {@code ArchitectureTest} checks that exactly the test classes that use SampleNight carry it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(SampleNightReader.TAG)
public @interface SampleNightReader {
    /** The JUnit tag, named in the failsafe executions of pom.xml. */
    String TAG = "sample-night";
}
