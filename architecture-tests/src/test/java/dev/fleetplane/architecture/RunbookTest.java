package dev.fleetplane.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.console.backend.BackendException;
import dev.fleetplane.console.session.ConsoleSession;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.templates.saga.BuildState;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/runbook.md has a row for every failure reason the code can emit, and no row for one it cannot: the
 * provisioner's steps, the template builder's rejection steps, Proxmox failures (the client's typed failures and the
 * adapter's own refusals), the console gateway's close codes and backend kinds. The lists come from the code itself
 * (constants and enums by reflection; the literal codes passed to the adapter's {@code refuse} and the builder's
 * {@code fail} from their sources), so a new reason without a runbook entry fails here.
 */
class RunbookTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|");

    @Test
    void provisioningSteps() throws Exception {
        Set<String> code = new TreeSet<>();
        for (Field f : ProvisioningSaga.class.getFields()) {
            if (f.getName().startsWith("STEP_") && f.getType() == String.class) {
                code.add((String) f.get(null));
            }
        }
        assertEquals(code, section("Provisioning"));
    }

    @Test
    void templateRejectionSteps() throws IOException {
        Set<String> code = Arrays.stream(BuildState.values()).filter(s -> !s.isFinal() && !s.isCleaning())
                .map(BuildState::step).collect(Collectors.toCollection(TreeSet::new));
        code.addAll(literals(ROOT.resolve("template-builder/src/main/java"),
                Pattern.compile("(?:\\bfail\\([^,;]+,\\s*|new TemplateRejected\\([^,;]+,[^,;]+,\\s*)\"([a-z][a-z-]*)\"")));
        assertEquals(code, section("Templates"));
    }

    @Test
    void proxmoxFailures() throws IOException {
        Set<String> code = Arrays.stream(PveException.Failure.values()).map(PveException.Failure::code)
                .collect(Collectors.toCollection(TreeSet::new));
        code.addAll(literals(ROOT.resolve("proxmox-adapter/src/main/java"),
                Pattern.compile("\\brefuse\\([^;]*?\"([a-z][a-z-]*)\"")));
        assertEquals(code, section("Proxmox"));
    }

    @Test
    void consoleCloseCodesAndBackendKinds() throws Exception {
        Set<String> closes = new TreeSet<>();
        for (String c : new String[] {"dev.fleetplane.console.web.ConsoleSocket", "dev.fleetplane.console.web.ClientLink",
                ConsoleSession.class.getName()}) {
            for (Field f : Class.forName(c).getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && !f.getName().startsWith("MAX_")) {
                    f.setAccessible(true);
                    int v = f.getInt(null);
                    if (v >= 1001 && v <= 4999) {
                        closes.add(Integer.toString(v)); // 1000, a normal close, is no failure
                    }
                }
            }
        }
        closes.addAll(literals(ROOT.resolve("console-gateway/src/main/java"),
                Pattern.compile("\\bclose\\(\\s*(1\\d{3}|4\\d{3})\\s*,")));
        Map<String, Set<String>> tables = tables("Console");
        assertEquals(closes, tables.get("code"));
        assertEquals(Arrays.stream(BackendException.Kind.values()).map(Enum::name)
                .collect(Collectors.toCollection(TreeSet::new)), tables.get("kind"));
    }

    private static Set<String> literals(Path sources, Pattern pattern) throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = pattern.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    /** The first-column codes of the section's table(s), all together. */
    private static Set<String> section(String heading) throws IOException {
        return tables(heading).values().stream().flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The section's tables by their first column's header, each with its first-column codes. */
    private static Map<String, Set<String>> tables(String heading) throws IOException {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        boolean in = false;
        String table = null;
        for (String line : Files.readAllLines(ROOT.resolve("docs/runbook.md"))) {
            if (line.startsWith("## ")) {
                in = line.startsWith("## " + heading);
                continue;
            }
            if (!in) {
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (line.startsWith("| ") && !m.find() && !line.startsWith("|---")) {
                table = line.substring(2, line.indexOf(' ', 2));
                out.put(table, new TreeSet<>());
            } else if (m.reset().find() && table != null) {
                out.get(table).add(m.group(1));
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError("docs/runbook.md has no table under a '## " + heading + "' heading");
        }
        return out;
    }
}
