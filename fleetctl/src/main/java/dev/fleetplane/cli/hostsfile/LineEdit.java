package dev.fleetplane.cli.hostsfile;

import java.util.ArrayList;
import java.util.List;

/**
 * One change of a text file by whole lines: {@code removed} lines from {@code line} (0-based) replaced by
 * {@code added}. A reviewed edit is a list of these, shown as a unified diff ({@link FileChange}). Pure.
 */
public record LineEdit(int line, int removed, List<String> added) {

    public LineEdit {
        added = List.copyOf(added);
    }

    /** Inserts {@code lines} before line {@code line} (0-based; the line count appends). */
    public static LineEdit insertBefore(int line, List<String> lines) {
        return new LineEdit(line, 0, lines);
    }

    /**
     * Replaces the characters {@code [from, to)} of {@code text} with {@code replacement}, as an edit of the lines
     * those characters are on (the rest of those lines is kept as it was).
     */
    public static LineEdit replacing(String text, int from, int to, String replacement) {
        int first = lineIndex(text, from);
        int last = lineIndex(text, Math.max(from, to - 1));
        int start = startOfLine(text, first);
        int end = text.indexOf('\n', Math.max(from, to - 1));
        end = end < 0 ? text.length() : end;
        if (to > from && text.charAt(to - 1) == '\n') {
            end = to - 1;
        }
        String changed = text.substring(start, from) + replacement + text.substring(to, end);
        return new LineEdit(first, last - first + 1, List.of(changed.split("\n", -1)));
    }

    /** The 0-based line that holds offset {@code i}. */
    static int lineIndex(String text, int i) {
        int line = 0;
        for (int k = 0; k < i && k < text.length(); k++) {
            if (text.charAt(k) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int startOfLine(String text, int line) {
        int at = 0;
        for (int n = 0; n < line; n++) {
            at = text.indexOf('\n', at) + 1;
        }
        return at;
    }

    /** {@code text} with the (non-overlapping) edits made. */
    static List<String> apply(List<String> lines, List<LineEdit> edits) {
        List<LineEdit> sorted = new ArrayList<>(edits);
        sorted.sort((a, b) -> Integer.compare(a.line(), b.line()));
        List<String> out = new ArrayList<>();
        int next = 0;
        for (LineEdit e : sorted) {
            if (e.line() < next) {
                throw new IllegalArgumentException("overlapping edits at line " + (e.line() + 1));
            }
            out.addAll(lines.subList(next, e.line()));
            out.addAll(e.added());
            next = e.line() + e.removed();
        }
        out.addAll(lines.subList(next, lines.size()));
        return out;
    }
}
