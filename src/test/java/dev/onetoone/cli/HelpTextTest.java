package dev.onetoone.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli formats every description line with String.format; a bare '%' makes it print "[picocli WARN] Could not
 * format ..." above the help. Every description of every command and option must format.
 */
class HelpTextTest {
    @Test
    void everyDescriptionLineIsAValidFormatString() {
        var specs = new ArrayList<CommandSpec>();
        collect(new CommandLine(new OneToOneCli()), specs);
        for (CommandSpec spec : specs) {
            List<String> lines = new ArrayList<>(List.of(spec.usageMessage().description()));
            for (OptionSpec option : spec.options()) {
                lines.addAll(List.of(option.description()));
            }
            spec.positionalParameters().forEach(parameter -> lines.addAll(List.of(parameter.description())));
            for (String line : lines) {
                assertDoesNotThrow(() -> String.format(line), spec.qualifiedName() + ": " + line);
            }
        }
    }

    private static void collect(CommandLine commandLine, List<CommandSpec> specs) {
        specs.add(commandLine.getCommandSpec());
        commandLine.getSubcommands().values().forEach(sub -> collect(sub, specs));
    }
}
