package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CI examples run only commands and flags the CLI has, so they cannot rot unnoticed. */
class CiExamplesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern INVOCATION = Pattern.compile("\\./fleetplane\\s+([a-z-]+)([^;|&>\\n]*)");

    /** Every {@code ./fleetplane SUB --flag ...} in the shell lines, as "SUB --flag". */
    private static List<String> invocations(List<String> shell) {
        List<String> out = new ArrayList<>();
        for (String script : shell) {
            Matcher m = INVOCATION.matcher(script.replace("\\\n", " "));
            while (m.find()) {
                out.add(m.group(1));
                Matcher flag = Pattern.compile("(?<=\\s)--[a-z-]+").matcher(" " + m.group(2));
                while (flag.find()) {
                    out.add(m.group(1) + " " + flag.group());
                }
            }
        }
        return out;
    }

    private static void collect(JsonNode node, List<String> keys, List<String> shell) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (keys.contains(e.getKey())) {
                    if (e.getValue().isTextual()) {
                        shell.add(e.getValue().asText());
                    } else {
                        e.getValue().forEach(v -> shell.add(v.asText()));
                    }
                } else {
                    collect(e.getValue(), keys, shell);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, keys, shell));
        }
    }

    private static List<String> checkedInvocations(String file, List<String> keys) throws Exception {
        JsonNode root = YAML.readTree(Path.of("../examples/ci", file).toFile());
        List<String> shell = new ArrayList<>();
        collect(root, keys, shell);
        List<String> calls = invocations(shell);
        Map<String, CommandLine> commands = FleetctlMain.commandLine().getSubcommands();
        List<String> unknown = new ArrayList<>();
        for (String call : calls) {
            String[] parts = call.split(" ");
            CommandLine sub = commands.get(parts[0]);
            if (sub == null || (parts.length > 1 && sub.getCommandSpec().findOption(parts[1]) == null)) {
                unknown.add(call);
            }
        }
        assertEquals(List.of(), unknown, file + " runs commands or flags fleetplane does not have");
        return calls;
    }

    @Test
    void githubActions_runsInventoryPlanAndPush_withFlagsTheCliHas() throws Exception {
        List<String> calls = checkedInvocations("github-actions.yml", List.of("run"));
        assertTrue(new TreeSet<>(calls).containsAll(List.of("inventory --json", "plan --spec", "plan --inventory",
                "plan --detailed-exitcode", "push --wait")), calls.toString());
    }

    @Test
    void gitlabCi_runsInventoryPlanAndPush_withFlagsTheCliHas() throws Exception {
        List<String> calls = checkedInvocations("gitlab-ci.yml", List.of("script", "before_script"));
        assertTrue(new TreeSet<>(calls).containsAll(List.of("inventory --json", "plan --spec", "plan --inventory",
                "plan --detailed-exitcode", "push --wait")), calls.toString());
    }

    @Test
    void invocations_findFlagsAcrossContinuationsButNotOtherCommands() {
        assertEquals(List.of("plan", "plan --spec", "plan --json"),
                invocations(List.of("./fleetplane plan --spec x \\\n  --json > out.txt --not-this")));
    }
}
