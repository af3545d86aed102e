package dev.fleetplane.cli.hostsfile;

import java.util.ArrayList;
import java.util.List;

/**
 * A reviewed change of one file: its text before and after a list of {@link LineEdit}s, and the unified diff a
 * user reads before it is written ({@code diff -u} format, three lines of context). Pure.
 *
 * <p>Why the diff is built from the edits and not computed: the edits are known exactly, so there is nothing to
 * guess, and no diff library is needed for it.
 */
public record FileChange(String name, String before, String after, String diff) {

    private static final int CONTEXT = 3;

    public static FileChange of(String name, String text, List<LineEdit> edits) {
        boolean finalNewline = text.endsWith("\n");
        List<String> lines = new ArrayList<>(List.of((finalNewline ? text.substring(0, text.length() - 1) : text)
                .split("\n", -1)));
        if (text.isEmpty()) {
            lines.clear();
        }
        List<String> changed = LineEdit.apply(lines, edits);
        String after = String.join("\n", changed) + (finalNewline || text.isEmpty() ? "\n" : "");
        if (after.equals(text)) {
            return new FileChange(name, text, text, "");
        }
        return new FileChange(name, text, after, diff(name, lines, edits));
    }

    public boolean changes() {
        return !diff.isEmpty();
    }

    private record Op(char kind, String text) {
    }

    private static String diff(String name, List<String> lines, List<LineEdit> edits) {
        List<LineEdit> sorted = new ArrayList<>(edits);
        sorted.sort((a, b) -> Integer.compare(a.line(), b.line()));
        List<Op> ops = new ArrayList<>();
        int next = 0;
        for (LineEdit e : sorted) {
            lines.subList(next, e.line()).forEach(l -> ops.add(new Op(' ', l)));
            lines.subList(e.line(), e.line() + e.removed()).forEach(l -> ops.add(new Op('-', l)));
            e.added().forEach(l -> ops.add(new Op('+', l)));
            next = e.line() + e.removed();
        }
        lines.subList(next, lines.size()).forEach(l -> ops.add(new Op(' ', l)));
        StringBuilder out = new StringBuilder("--- a/" + name + "\n+++ b/" + name + "\n");
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).kind() == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            int quiet = 0;
            for (int k = i; k < ops.size(); k++) {
                if (ops.get(k).kind() == ' ') {
                    quiet++;
                    if (quiet > 2 * CONTEXT) {
                        break;
                    }
                } else {
                    quiet = 0;
                    end = k;
                }
            }
            int stop = Math.min(ops.size(), end + 1 + CONTEXT);
            int oldStart = 1;
            int newStart = 1;
            for (int k = 0; k < start; k++) {
                oldStart += ops.get(k).kind() != '+' ? 1 : 0;
                newStart += ops.get(k).kind() != '-' ? 1 : 0;
            }
            int oldCount = 0;
            int newCount = 0;
            StringBuilder body = new StringBuilder();
            for (int k = start; k < stop; k++) {
                Op op = ops.get(k);
                oldCount += op.kind() != '+' ? 1 : 0;
                newCount += op.kind() != '-' ? 1 : 0;
                body.append(op.kind()).append(op.text()).append('\n');
            }
            out.append("@@ -").append(range(oldStart, oldCount)).append(" +").append(range(newStart, newCount))
                    .append(" @@\n").append(body);
            i = stop;
        }
        return out.toString();
    }

    /** {@code start,count}, where an empty range starts at the line before it (as diff -u writes it). */
    private static String range(int start, int count) {
        return (count == 0 ? start - 1 : start) + "," + count;
    }
}
