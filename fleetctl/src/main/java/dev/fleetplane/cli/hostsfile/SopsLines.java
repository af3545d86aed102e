package dev.fleetplane.cli.hostsfile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds what a host leaves in {@code .sops.yaml}: its age key's anchor ({@code - &web age1...}, or {@code &host_web}
 * as fleetplane's integration snippets and {@code integrate --write} name it), every reference to it ({@code - *web}),
 * and a creation rule whose {@code path_regex} is about {@code hosts/web/} (the whole list
 * item, references inside it included). Pure.
 *
 * <p>Why by line, not with a YAML library: a YAML parser resolves anchors and aliases away and keeps no line of
 * a scalar's alias, and the point here is the exact lines to delete. The file's shape is the one sops documents
 * (block style, one key or reference per line); indentation decides where a rule ends.
 */
public final class SopsLines {

    private SopsLines() {
    }

    public static LinesToDelete find(String yaml, String host) {
        String[] lines = yaml.split("\n", -1);
        String name = Pattern.quote(host);
        String key = "(?:host_)?" + name + "(?![A-Za-z0-9_.-])";
        Pattern anchor = Pattern.compile("&" + key);
        Pattern alias = Pattern.compile("\\*" + key);
        Pattern rule = Pattern.compile("path_regex:.*hosts/" + name + "(/|\\\\/)");
        boolean[] taken = new boolean[lines.length];
        List<LinesToDelete.Line> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String code = withoutComment(lines[i]);
            if (rule.matcher(code).find()) {
                int start = itemStart(lines, i);
                int end = itemEnd(lines, start);
                for (int k = start; k <= end; k++) {
                    if (!taken[k]) {
                        taken[k] = true;
                        out.add(new LinesToDelete.Line(k + 1, lines[k], "creation rule for hosts/" + host + "/"));
                    }
                }
            }
        }
        for (int i = 0; i < lines.length; i++) {
            if (taken[i]) {
                continue;
            }
            String code = withoutComment(lines[i]);
            if (anchor.matcher(code).find()) {
                out.add(new LinesToDelete.Line(i + 1, lines[i], "age key of " + host));
                if (!code.strip().matches("-\\s*&\\S+\\s+\\S+")) {
                    warnings.add("line " + (i + 1) + " defines " + host + "'s anchor but holds more than one key: edit by hand");
                }
            } else if (alias.matcher(code).find()) {
                out.add(new LinesToDelete.Line(i + 1, lines[i], "reference to " + host + "'s key"));
                if (!code.strip().matches("-\\s*\\*\\S+")) {
                    warnings.add("line " + (i + 1) + " refers to " + host + "'s key among other things: edit by hand");
                }
            }
        }
        out.sort((a, b) -> Integer.compare(a.number(), b.number()));
        return new LinesToDelete(List.copyOf(out), List.copyOf(warnings));
    }

    /** The line of the list item ({@code - ...}) that holds line {@code i}. */
    private static int itemStart(String[] lines, int i) {
        int indent = indent(lines[i]);
        for (int k = i; k >= 0; k--) {
            String s = lines[k];
            if (s.isBlank()) {
                continue;
            }
            if (s.strip().startsWith("- ") && (k == i || indent(s) < indent)) {
                return k;
            }
            if (k < i && indent(s) < indent && !s.strip().startsWith("- ")) {
                break;
            }
        }
        return i;
    }

    /** The last line of the item starting at {@code start}: up to the next line indented no deeper than its dash. */
    private static int itemEnd(String[] lines, int start) {
        int dash = indent(lines[start]);
        int end = start;
        for (int k = start + 1; k < lines.length; k++) {
            String s = lines[k];
            if (s.isBlank()) {
                continue;
            }
            if (indent(s) <= dash) {
                break;
            }
            end = k;
        }
        return end;
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    /** The line without a {@code #} comment (a {@code #} starts one at the line start or after a space). */
    private static String withoutComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
