package dev.onetoone.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.onetoone.config.ConfigKeys;
import dev.onetoone.config.ConfigLoader;
import dev.onetoone.config.OneToOneConfig;
import picocli.CommandLine.Option;

/** Options every command takes: where the warehouse is and how to override the configuration. */
public final class CommonOptions {
    @Option(names = "--warehouse", paramLabel = "PATH", description = "Warehouse root (overrides the 'warehouse' key; default ./warehouse).")
    String warehouse;

    @Option(names = "--conf", paramLabel = "FILE", description = "Properties file layered over conf/onetoone.properties.")
    Path configFile;

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "", description = "Override one configuration key, e.g. -D ingest.max-quarantine-share=0.1")
    Map<String, String> overrides = new LinkedHashMap<>();

    OneToOneConfig config() {
        var loader = new ConfigLoader().withDefaultFile();
        if (configFile != null) {
            loader.withFile(configFile);
        }
        var all = new LinkedHashMap<>(overrides);
        if (warehouse != null) {
            all.put(ConfigKeys.WAREHOUSE, warehouse);
        }
        return loader.withOverrides(all).load();
    }
}
