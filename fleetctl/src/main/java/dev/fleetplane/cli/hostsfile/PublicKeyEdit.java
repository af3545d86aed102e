package dev.fleetplane.cli.hostsfile;

import dev.fleetplane.plancore.spec.HostsNixRenderer;
import java.util.List;
import java.util.Optional;

/**
 * The hosts.nix half of {@code fleetplane integrate HOST --write}: {@code publicKey = "ssh-ed25519 AAAA…";} inside
 * the host's attribute set, replacing the value of an existing {@code publicKey} binding (its comment kept) or
 * inserted as a new line in the indentation of the host's other attributes (after the last one before its
 * {@code proxmox} set). Found with {@link NixText}'s bindings, never a regular expression over the file. Pure.
 */
public final class PublicKeyEdit {

    /** The edit, none when hosts.nix already says exactly that, or why it cannot be made. */
    public sealed interface Result {
    }

    public record Edit(List<LineEdit> edits) implements Result {
    }

    public record Refused(String problem) implements Result {
    }

    private PublicKeyEdit() {
    }

    /**
     * @param file      the name errors use ({@code hosts.nix})
     * @param publicKey the host key as it is committed: {@code ssh-ed25519 AAAA…} (no comment)
     */
    public static Result of(NixText nix, String file, String host, String publicKey)
            throws NixText.UnreadableException {
        String text = nix.text();
        String literal = HostsNixRenderer.string(publicKey);
        NixText.Binding hostSet = null;
        for (NixText.Binding b : nix.topLevelBindings()) {
            if (!b.name().equals(host)) {
                continue;
            }
            if (b.path().size() == 2 && b.path().get(1).equals("publicKey")) {
                return replaceValue(nix, b, literal);
            }
            if (b.path().size() == 1) {
                hostSet = b;
            }
        }
        if (hostSet == null) {
            return new Refused(file + " has no host '" + host + "': add it (fleetplane new " + host
                    + ") or name the right file with --spec FILE");
        }
        Optional<int[]> braces = nix.plainSet(hostSet);
        if (braces.isEmpty()) {
            return new Refused(file + ":" + nix.lineOf(hostSet.start()) + ": host " + host + " is not written as an"
                    + " attribute set ({ ... }), so fleetplane cannot place its key: add publicKey = " + literal
                    + "; to it by hand");
        }
        List<NixText.Binding> inner = nix.innerBindings(hostSet);
        for (NixText.Binding b : inner) {
            if (b.name().equals("publicKey") && b.path().size() == 1) {
                return replaceValue(nix, b, literal);
            }
        }
        String line = "publicKey = " + literal + ";";
        int open = braces.get()[0];
        int close = braces.get()[1];
        if (nix.lineOf(open) == nix.lineOf(close)) {
            // web = { user = "root"; };  →  web = { user = "root"; publicKey = "…"; };
            int at = close;
            while (at > open + 1 && Character.isWhitespace(text.charAt(at - 1))) {
                at--;
            }
            return new Edit(List.of(LineEdit.replacing(text, at, close, " " + line + " ")));
        }
        String indent = inner.isEmpty() ? leading(text, nix.lineStart(hostSet.start())) + "  "
                : leading(text, nix.lineStart(inner.get(0).start()));
        NixText.Binding after = null;
        for (NixText.Binding b : inner) {
            if (b.name().equals("proxmox")) {
                break;
            }
            after = b;
        }
        int lineIndex;
        if (after != null && endsItsLine(nix, after.end())) {
            lineIndex = nix.lineOf(after.end() - 1);
        } else if (after == null && !inner.isEmpty() && startsItsLine(nix, inner.get(0).start())) {
            lineIndex = nix.lineOf(inner.get(0).start()) - 1;
        } else if (startsItsLine(nix, close)) {
            lineIndex = nix.lineOf(close) - 1;
        } else {
            return new Refused(file + ":" + nix.lineOf(close) + ": host " + host + "'s attribute set does not end"
                    + " on a line of its own: add publicKey = " + literal + "; to it by hand");
        }
        return new Edit(List.of(LineEdit.insertBefore(lineIndex, List.of(indent + line))));
    }

    private static Result replaceValue(NixText nix, NixText.Binding b, String literal) {
        if (nix.valueText(b).equals(literal)) {
            return new Edit(List.of());
        }
        return new Edit(List.of(LineEdit.replacing(nix.text(), b.value(), b.end() - 1, " " + literal)));
    }

    private static String leading(String text, int lineStart) {
        int i = lineStart;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return text.substring(lineStart, i);
    }

    /** Nothing but white space and a comment after {@code end} on its line. */
    private static boolean endsItsLine(NixText nix, int end) {
        String text = nix.text();
        for (int i = end; i < text.length() && text.charAt(i) != '\n'; i++) {
            if (nix.isCode(i) && !Character.isWhitespace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsItsLine(NixText nix, int at) {
        return nix.text().substring(nix.lineStart(at), at).isBlank();
    }
}
