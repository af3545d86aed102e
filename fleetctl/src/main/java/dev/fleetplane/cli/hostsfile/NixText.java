package dev.fleetplane.cli.hostsfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The structure of hosts.nix source that editing it by text needs: which characters are code (not in a comment or
 * a string), the top-level attribute set, and the bindings directly inside it with their exact extent.
 *
 * <p>Why hand-written: no Java library parses Nix, and {@code nix-instantiate --parse} prints a normalised
 * expression without source positions, so it cannot say which lines to delete or where to insert. This is not a Nix
 * parser: it only tells code from comments ({@code #}, {@code /* *}{@code /}) and strings ({@code "..."} with
 * escapes and {@code ${...}} interpolations, {@code ''...''} with its {@code '''}, {@code ''$}, {@code ''\}
 * escapes), matches brackets over code, and reads attribute paths. Every edit made with it is checked afterwards by
 * evaluating the result with nix-instantiate. Pure.
 */
public final class NixText {

    /** The text cannot be read as Nix (an unterminated string or comment, unbalanced brackets); names the line. */
    public static final class UnreadableException extends Exception {
        public UnreadableException(String message) {
            super(message);
        }
    }

    /**
     * One binding directly inside the top-level attribute set: {@code web = { ... };} or {@code web.proxmox = ...;}.
     *
     * @param path  the attribute path as written, quotes removed ({@code ["web", "proxmox"]})
     * @param start offset of the binding's first character
     * @param value offset just after its {@code =}
     * @param end   offset just after its terminating {@code ;}
     */
    public record Binding(List<String> path, int start, int value, int end) {
        public String name() {
            return path.get(0);
        }
    }

    private final String text;
    private final boolean[] code;
    private final int[] match;

    private NixText(String text) throws UnreadableException {
        this.text = text;
        this.code = new boolean[text.length()];
        this.match = new int[text.length()];
        scanCode(0, false);
        matchBrackets();
    }

    public static NixText of(String text) throws UnreadableException {
        return new NixText(text);
    }

    public String text() {
        return text;
    }

    /** Whether the character at {@code i} is code: not inside a comment or a string. */
    public boolean isCode(int i) {
        return code[i];
    }

    /** 1-based line number of offset {@code i}. */
    public int lineOf(int i) {
        int line = 1;
        for (int k = 0; k < i && k < text.length(); k++) {
            if (text.charAt(k) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Offset of the first character of the line holding {@code i}. */
    public int lineStart(int i) {
        int k = i;
        while (k > 0 && text.charAt(k - 1) != '\n') {
            k--;
        }
        return k;
    }

    /**
     * The top-level attribute set as [open brace, close brace]: the last bracket group at nesting depth 0, which must
     * be a brace pair followed only by comments and white space ({@code { ... }}, {@code let ... in { ... }},
     * {@code args: { ... }}). Empty when the file does not end with such a set.
     */
    public Optional<int[]> topLevelSet() {
        int last = -1;
        for (int i = text.length() - 1; i >= 0; i--) {
            if (code[i] && !Character.isWhitespace(text.charAt(i))) {
                last = i;
                break;
            }
        }
        if (last < 0 || text.charAt(last) != '}') {
            return Optional.empty();
        }
        return Optional.of(new int[] {match[last], last});
    }

    /** The bindings directly inside the top-level set, in file order (an {@code inherit} is not a binding here). */
    public List<Binding> topLevelBindings() throws UnreadableException {
        int[] set = topLevelSet().orElseThrow(() -> new UnreadableException(
                "the file does not end with an attribute set ({ ... } or let ... in { ... })"));
        return bindingsIn(set[0]);
    }

    /** The value of {@code b} as written, without surrounding white space and the final {@code ;}. */
    public String valueText(Binding b) {
        return text.substring(b.value(), b.end() - 1).strip();
    }

    /** The bindings of the attribute set whose value is {@code b}'s, when that value is a plain {@code { ... }}. */
    public List<Binding> innerBindings(Binding b) throws UnreadableException {
        Optional<int[]> set = plainSet(b);
        return set.isEmpty() ? List.of() : bindingsIn(set.get()[0]);
    }

    /** [open brace, close brace] of {@code b}'s value when it is a plain {@code { ... }}; empty otherwise. */
    public Optional<int[]> plainSet(Binding b) {
        int i = skipNonCode(b.value(), b.end());
        if (i >= b.end() || text.charAt(i) != '{' || skipNonCode(match[i] + 1, b.end()) != b.end() - 1) {
            return Optional.empty();
        }
        return Optional.of(new int[] {i, match[i]});
    }

    /** The bindings directly inside the attribute set opened by the code brace at {@code open}. */
    public List<Binding> bindingsIn(int open) throws UnreadableException {
        int[] set = {open, match[open]};
        List<Binding> out = new ArrayList<>();
        int i = set[0] + 1;
        while (true) {
            i = skipNonCode(i, set[1]);
            if (i >= set[1]) {
                return out;
            }
            int start = i;
            List<String> path = new ArrayList<>();
            boolean inherit = false;
            while (i < set[1]) {
                i = skipNonCode(i, set[1]);
                char c = text.charAt(i);
                if (c == '"') {
                    int close = stringEnd(i);
                    path.add(text.substring(i + 1, close - 1));
                    i = close;
                } else if (isIdentStart(c)) {
                    int e = identEnd(i);
                    String word = text.substring(i, e);
                    if (path.isEmpty() && word.equals("inherit")) {
                        inherit = true;
                    }
                    path.add(word);
                    i = e;
                } else if (c == '.' && !path.isEmpty()) {
                    i++;
                } else if (c == '=' || inherit) {
                    break;
                } else {
                    throw new UnreadableException("line " + lineOf(i) + ": expected an attribute name, found '" + c + "'");
                }
            }
            int end = statementEnd(i, set[1]);
            if (!inherit) {
                out.add(new Binding(List.copyOf(path), start, i + 1, end));
            }
            i = end;
        }
    }

    /** Offset just after the {@code ;} that ends the statement containing {@code from}, at this nesting level. */
    private int statementEnd(int from, int limit) throws UnreadableException {
        for (int i = from; i < limit; i++) {
            if (!code[i]) {
                continue;
            }
            char c = text.charAt(i);
            if (c == '{' || c == '[' || c == '(') {
                i = match[i];
            } else if (c == ';') {
                return i + 1;
            }
        }
        throw new UnreadableException("line " + lineOf(from) + ": a binding without its closing ';'");
    }

    private int skipNonCode(int i, int limit) {
        while (i < limit && (!code[i] || Character.isWhitespace(text.charAt(i)))) {
            i++;
        }
        return i;
    }

    /** For a code '"' at {@code i}: offset just after the closing quote (the scan already validated it). */
    private int stringEnd(int i) {
        int k = i + 1;
        while (k < text.length() && !code[k]) {
            k++;
        }
        return k + 1;
    }

    // ---- scanning: marks code, skips comments and strings (with nested interpolations) ----

    /** Marks code from {@code i}; inside an interpolation stops after its closing brace and returns that offset. */
    private int scanCode(int i, boolean interpolation) throws UnreadableException {
        int depth = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && at(i + 1, '*')) {
                int close = text.indexOf("*/", i + 2);
                if (close < 0) {
                    throw new UnreadableException("line " + lineOf(i) + ": a /* comment is never closed");
                }
                i = close + 2;
            } else if (c == '"') {
                if (!interpolation) {
                    code[i] = true;
                }
                i = skipString(i);
                if (!interpolation) {
                    code[i - 1] = true;
                }
            } else if (c == '\'' && at(i + 1, '\'')) {
                i = skipIndentedString(i);
            } else if (isIdentStart(c)) {
                int e = identEnd(i);
                markCode(i, e, interpolation);
                i = e;
            } else {
                if (interpolation && c == '{') {
                    depth++;
                } else if (interpolation && c == '}') {
                    if (depth == 0) {
                        return i + 1;
                    }
                    depth--;
                }
                markCode(i, i + 1, interpolation);
                i++;
            }
        }
        if (interpolation) {
            throw new UnreadableException("a ${ interpolation is never closed");
        }
        return i;
    }

    private void markCode(int from, int to, boolean interpolation) {
        if (!interpolation) {
            for (int k = from; k < to; k++) {
                code[k] = true;
            }
        }
    }

    private int skipString(int open) throws UnreadableException {
        int i = open + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else if (c == '$' && at(i + 1, '$')) {
                i += 2;
            } else if (c == '$' && at(i + 1, '{')) {
                i = scanCode(i + 2, true);
            } else {
                i++;
            }
        }
        throw new UnreadableException("line " + lineOf(open) + ": a \"string\" is never closed");
    }

    private int skipIndentedString(int open) throws UnreadableException {
        int i = open + 2;
        while (i < text.length()) {
            if (text.startsWith("'''", i) || text.startsWith("''$", i)) {
                i += 3;
            } else if (text.startsWith("''\\", i)) {
                i += 4;
            } else if (text.startsWith("''", i)) {
                return i + 2;
            } else if (text.startsWith("${", i)) {
                i = scanCode(i + 2, true);
            } else {
                i++;
            }
        }
        throw new UnreadableException("line " + lineOf(open) + ": a ''string'' is never closed");
    }

    private void matchBrackets() throws UnreadableException {
        int[] stack = new int[text.length() + 1];
        int top = 0;
        for (int i = 0; i < text.length(); i++) {
            if (!code[i]) {
                continue;
            }
            char c = text.charAt(i);
            if (c == '{' || c == '[' || c == '(') {
                stack[top++] = i;
            } else if (c == '}' || c == ']' || c == ')') {
                if (top == 0) {
                    throw new UnreadableException("line " + lineOf(i) + ": '" + c + "' closes nothing");
                }
                int open = stack[--top];
                if (text.charAt(open) != opening(c)) {
                    throw new UnreadableException("line " + lineOf(i) + ": '" + c + "' closes '" + text.charAt(open)
                            + "' of line " + lineOf(open));
                }
                match[open] = i;
                match[i] = open;
            }
        }
        if (top > 0) {
            throw new UnreadableException("line " + lineOf(stack[top - 1]) + ": '" + text.charAt(stack[top - 1])
                    + "' is never closed");
        }
    }

    private static char opening(char close) {
        return close == '}' ? '{' : close == ']' ? '[' : '(';
    }

    private boolean at(int i, char c) {
        return i < text.length() && text.charAt(i) == c;
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    /** Nix identifiers may hold {@code '} and {@code -} ({@code foo'}, {@code my-host}): never a string start. */
    private int identEnd(int i) {
        int k = i + 1;
        while (k < text.length()) {
            char c = text.charAt(k);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '\'' || c == '-') {
                k++;
            } else {
                break;
            }
        }
        return k;
    }

    /** Whether {@code name} is a Nix identifier that needs no quotes as an attribute name. */
    public static boolean isPlainIdentifier(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_'-]*") && !KEYWORDS.contains(name);
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("if", "then", "else", "assert", "with",
            "let", "in", "rec", "inherit", "or");
}
