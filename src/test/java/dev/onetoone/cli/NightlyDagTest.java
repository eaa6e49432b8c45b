package dev.onetoone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.onetoone.pipeline.NightlyPipeline;
import dev.onetoone.testing.WarehouseFixture;
import picocli.CommandLine;

/**
 * The Airflow DAG (jobs/airflow/onetoone_nightly.py) and the commands file it reads (nightly_commands.json): the DAG
 * parses, and for a given logical date it yields exactly the expected spark-submit commands, in order. Airflow is
 * not installed here: python3 parses the DAG with {@code ast} and runs only its Airflow-free functions.
 */
class NightlyDagTest {
    private static final Path DAG = WarehouseFixture.sample("jobs/airflow/onetoone_nightly.py");
    private static final Path COMMANDS = WarehouseFixture.sample("jobs/airflow/nightly_commands.json");
    private static final String DATE = "2025-12-31";

    /**
     * Parses the DAG, executes its imports (except Airflow's) and functions, and prints one JSON line per task:
     * [task_id, argv...] after rendering the two templates the commands use. A last line lists the default_args
     * keys and the operators the DAG calls.
     */
    private static final String PYTHON = String.join("\n",
            "import ast, json, shlex, sys",
            "dag_path, spec_path, ds = sys.argv[1:4]",
            "tree = ast.parse(open(dag_path, encoding='utf-8').read(), dag_path)",
            "def airflow_free(node):",
            "    if isinstance(node, ast.Import):",
            "        return all(not alias.name.startswith('airflow') for alias in node.names)",
            "    if isinstance(node, ast.ImportFrom):",
            "        return not (node.module or '').startswith('airflow')",
            "    return isinstance(node, ast.FunctionDef)",
            "namespace = {}",
            "exec(compile(ast.Module(body=[n for n in tree.body if airflow_free(n)], type_ignores=[]), dag_path, 'exec'), namespace)",
            "spec = namespace['load_spec'](spec_path)",
            "for task_id, template in namespace['bash_commands'](spec):",
            "    rendered = template.replace('{{ ds }}', ds).replace('{{ params.input_root }}', spec['params']['input_root'])",
            "    if '{{' in rendered:",
            "        sys.exit('template left unrendered in task ' + task_id + ': ' + rendered)",
            "    print(json.dumps([task_id] + shlex.split(rendered)))",
            "calls = sorted({n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)})",
            "keys = sorted({k.value for n in ast.walk(tree) if isinstance(n, ast.Dict) for k in n.keys if isinstance(k, ast.Constant)})",
            "chained = any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.RShift) for n in ast.walk(tree))",
            "print(json.dumps({'calls': calls, 'default_args': keys, 'chained': chained}))");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> pythonLines;

    @BeforeAll
    static void runPython() throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("python3", "-c", PYTHON, DAG.toString(), COMMANDS.toString(), DATE)
                    .redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            assumeTrue(false, "python3 is not installed, so the Airflow DAG cannot be parsed: " + notInstalled.getMessage());
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "python3 did not finish");
        assertEquals(0, process.exitValue(), "python3 could not parse or evaluate the DAG:\n" + output);
        pythonLines = output.lines().toList();
    }

    private static List<List<String>> pythonCommands() throws IOException {
        var commands = new ArrayList<List<String>>();
        for (String line : pythonLines.subList(0, pythonLines.size() - 1)) {
            var command = new ArrayList<String>();
            JSON.readTree(line).forEach(value -> command.add(value.asText()));
            commands.add(command);
        }
        return commands;
    }

    /** The same commands evaluated in Java from nightly_commands.json: a second reading of the one source. */
    private static List<List<String>> javaCommands() throws IOException {
        JsonNode spec = JSON.readTree(COMMANDS.toFile());
        String inputRoot = spec.get("params").get("input_root").asText();
        var commands = new ArrayList<List<String>>();
        for (JsonNode task : spec.get("tasks")) {
            var command = new ArrayList<String>(List.of(task.get("task_id").asText(), spec.get("submit").asText()));
            task.get("arguments").forEach(argument -> command.add(
                    argument.asText().replace("{{ ds }}", DATE).replace("{{ params.input_root }}", inputRoot)));
            commands.add(command);
        }
        return commands;
    }

    @Test
    void theDagYieldsTheNightsStagesAsSubmitCommandsForTheLogicalDateInOrder() throws IOException {
        List<List<String>> expected = List.of(
                List.of("ingest", "jobs/submit", "ingest", "--input", "/data/onetoone/incoming/2025-12-31", "--as-of", "2025-12-31"),
                List.of("rfm", "jobs/submit", "rfm", "--as-of", "2025-12-31"),
                List.of("loyalty", "jobs/submit", "loyalty", "--input", "/data/onetoone/incoming/2025-12-31", "--as-of", "2025-12-31"),
                List.of("model", "jobs/submit", "model", "--as-of", "2025-12-31"),
                List.of("affinity", "jobs/submit", "affinity", "--as-of", "2025-12-31"),
                List.of("offers", "jobs/submit", "offers", "--as-of", "2025-12-31"));
        assertEquals(expected, pythonCommands());
        assertEquals(expected, javaCommands());
        assertEquals(NightlyPipeline.STAGES, expected.stream().map(command -> command.get(0)).toList(),
                "the DAG runs the stages of the nightly command, in its order");
    }

    @Test
    void everyCommandIsAValidOneToOneCommandLine() throws IOException {
        for (List<String> command : javaCommands()) {
            List<String> arguments = command.subList(2, command.size());
            CommandLine.ParseResult parsed = new CommandLine(new OneToOneCli()).parseArgs(arguments.toArray(String[]::new));
            assertTrue(parsed.hasSubcommand(), "no subcommand in " + arguments);
            assertEquals(command.get(0), parsed.subcommand().commandSpec().name(), "the task is named for its command");
        }
    }

    @Test
    void theDagChainsBashOperatorsWithRetriesAndAnSla() throws IOException {
        JsonNode structure = JSON.readTree(pythonLines.get(pythonLines.size() - 1));
        List<String> calls = new ArrayList<>();
        structure.get("calls").forEach(call -> calls.add(call.asText()));
        List<String> keys = new ArrayList<>();
        structure.get("default_args").forEach(key -> keys.add(key.asText()));
        assertTrue(calls.containsAll(List.of("DAG", "BashOperator", "bash_commands")), calls.toString());
        assertTrue(keys.containsAll(List.of("retries", "retry_delay", "sla", "depends_on_past")), keys.toString());
        assertTrue(structure.get("chained").asBoolean(), "tasks are chained with >>");
        JsonNode spec = JSON.readTree(COMMANDS.toFile());
        assertEquals(2, spec.get("retries").asInt());
        assertEquals(6, spec.get("sla_hours").asInt());
    }
}
