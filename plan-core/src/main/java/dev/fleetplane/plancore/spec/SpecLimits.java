package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.desired.SpecProblem;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What no spec may hold, whatever its schema says, checked before validation and storage: a NUL character (PostgreSQL
 * refuses it in text and jsonb, so it came back as a 500 carrying the database's words), and nesting deeper than
 * {@value #MAX_DEPTH} levels (a 5,000-level value overflowed the stack of every recursive reader after it). Walked
 * with an explicit stack, so the check itself cannot overflow. Pure.
 */
public final class SpecLimits {

    /** The deepest nesting a spec may have; the real schema needs about 6. */
    public static final int MAX_DEPTH = 32;

    /** At most this many problems are reported (a file full of NULs must not make a huge answer). */
    static final int MAX_PROBLEMS = 20;

    private SpecLimits() {
    }

    /** The problems of {@code tree}, paths as the validator writes them ({@code hosts.web.proxmox.name}); empty: fine. */
    public static List<SpecProblem> check(JsonNode tree) {
        List<SpecProblem> problems = new ArrayList<>();
        Deque<Entry> todo = new ArrayDeque<>();
        todo.push(new Entry("", tree, 0));
        while (!todo.isEmpty() && problems.size() < MAX_PROBLEMS) {
            Entry e = todo.pop();
            String here = e.path.isEmpty() ? "(root)" : e.path;
            if (e.depth > MAX_DEPTH) {
                problems.add(new SpecProblem(here, "is nested deeper than " + MAX_DEPTH + " levels"));
                continue;
            }
            JsonNode node = e.node;
            if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
                problems.add(new SpecProblem(here, "contains a NUL character (\\u0000) at position "
                        + node.textValue().indexOf('\0')));
            } else if (node.isObject()) {
                List<Entry> children = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    String key = f.getKey();
                    if (key.indexOf('\0') >= 0) {
                        problems.add(new SpecProblem(e.path.isEmpty() ? "(root)" : e.path,
                                "has a key with a NUL character (\\u0000): '" + printable(key) + "'"));
                        continue;
                    }
                    // Paths as the validator writes them: hosts.web.proxmox.cores, _proxmox.node.
                    String path = e.path.isEmpty() ? (key.startsWith("_") ? key : "hosts." + key) : e.path + "." + key;
                    children.add(new Entry(path, f.getValue(), e.depth + 1));
                }
                pushInOrder(todo, children);
            } else if (node.isArray()) {
                List<Entry> children = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    children.add(new Entry(e.path + "[" + i + "]", node.get(i), e.depth + 1));
                }
                pushInOrder(todo, children);
            }
        }
        return problems;
    }

    /** Where the first NUL of a text is, as "line L, column C", or null when it has none. */
    public static String nulIn(String text) {
        int at = text.indexOf('\0');
        if (at < 0) {
            return null;
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (at - lineStart + 1);
    }

    private static void pushInOrder(Deque<Entry> todo, List<Entry> children) {
        for (int i = children.size() - 1; i >= 0; i--) {
            todo.push(children.get(i));
        }
    }

    private static String printable(String key) {
        String shown = key.replace("\0", "\\u0000");
        return shown.length() > 64 ? shown.substring(0, 64) + "…" : shown;
    }

    private record Entry(String path, JsonNode node, int depth) {
    }
}
