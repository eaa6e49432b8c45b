package dev.onetoone.cli;

import java.util.concurrent.Callable;

import dev.onetoone.io.DataDictionary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "tables", mixinStandardHelpOptions = true,
        description = "Print the data dictionary: every table the application writes, its key and each column's meaning (Markdown).")
final class TablesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(DataDictionary.markdown());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
