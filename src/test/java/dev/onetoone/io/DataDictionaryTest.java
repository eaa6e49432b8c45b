package dev.onetoone.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

class DataDictionaryTest {

    @Test
    void everyColumnOfEveryTableHasAComment() {
        for (TableSpec table : Tables.ALL) {
            for (StructField field : table.schema().fields()) {
                assertTrue(field.metadata().contains("comment") && !field.metadata().getString("comment").isBlank(),
                        table.name() + "." + field.name() + " has no comment");
            }
        }
    }

    @Test
    void readmeCarriesTheCurrentDataDictionary() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(DataDictionary.markdown()),
                "README.md's data dictionary is out of date: replace it with the output of 'jobs/onetoone tables'");
    }
}
