package dev.fleetplane.cli.hostsfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the lines of one host in hosts.nix: every binding directly inside the top-level attribute set whose path
 * starts with the host's name ({@code web = { ... };}, {@code "web" = ...;}, {@code web.proxmox = ...;}), from its
 * name to its {@code ;}, bracket-matched by {@link NixText} (never a regular expression over the file). Pure.
 */
public final class HostBlock {

    private HostBlock() {
    }

    public static LinesToDelete find(NixText nix, String host) throws NixText.UnreadableException {
        String text = nix.text();
        String[] lines = text.split("\n", -1);
        List<LinesToDelete.Line> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (NixText.Binding b : nix.topLevelBindings()) {
            if (!b.name().equals(host)) {
                continue;
            }
            int first = nix.lineOf(b.start());
            int last = nix.lineOf(b.end() - 1);
            String what = "host " + host + (b.path().size() > 1 ? " (" + String.join(".", b.path()) + ")" : "");
            for (int n = first; n <= last; n++) {
                out.add(new LinesToDelete.Line(n, lines[n - 1], what));
            }
            if (!text.substring(nix.lineStart(b.start()), b.start()).isBlank()) {
                warnings.add("line " + first + " holds more than host " + host + ": delete only its part");
            }
            if (!codeAfter(nix, b.end()).isEmpty()) {
                warnings.add("line " + last + " holds more than host " + host + " after its ';': keep that part");
            }
            int above = first - 1;
            while (above >= 1 && lines[above - 1].strip().startsWith("#")) {
                above--;
            }
            if (above < first - 1) {
                warnings.add("the comment on line" + (above + 1 == first - 1 ? " " + (first - 1)
                        : "s " + (above + 1) + "-" + (first - 1)) + " above it may be about " + host + " only");
            }
        }
        return new LinesToDelete(List.copyOf(out), List.copyOf(warnings));
    }

    /** Code after {@code from} on the same line (a trailing comment does not count). */
    private static String codeAfter(NixText nix, int from) {
        StringBuilder sb = new StringBuilder();
        String text = nix.text();
        for (int i = from; i < text.length() && text.charAt(i) != '\n'; i++) {
            if (nix.isCode(i) && !Character.isWhitespace(text.charAt(i))) {
                sb.append(text.charAt(i));
            }
        }
        return sb.toString();
    }
}
