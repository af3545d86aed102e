package dev.fleetplane.cli.hostsfile;

/**
 * Puts a rendered host entry into hosts.nix text before the closing brace of its top-level attribute set (after
 * the last host, a blank line between), found with {@link NixText} so braces in comments and strings do not
 * count. Pure: the caller evaluates the result before it writes anything.
 */
public final class EntryInsertion {

    private EntryInsertion() {
    }

    /** The new text; the entry as rendered by {@link HostEntry#render}, ending with a newline. */
    public static String insert(NixText nix, String entry) throws NixText.UnreadableException {
        int close = nix.topLevelSet().orElseThrow(() -> new NixText.UnreadableException(
                "the file does not end with an attribute set ({ ... } or let ... in { ... })"))[1];
        String text = nix.text();
        int lineStart = nix.lineStart(close);
        if (text.substring(lineStart, close).isBlank()) {
            // "  };\n}" -> "  };\n\n  new = {...};\n}": a blank line before it unless there is one already.
            String before = text.substring(0, lineStart);
            boolean blankBefore = before.endsWith("\n\n") || before.endsWith("{\n") || before.isEmpty();
            return before + (blankBefore ? "" : "\n") + entry + text.substring(lineStart);
        }
        // "{ a = 1; }" or "  last = x; }": the entry on its own lines, the brace after it.
        return text.substring(0, close).stripTrailing() + "\n" + entry + text.substring(close);
    }
}
