package dev.fleetplane.plancore.spec;

import java.util.regex.Pattern;

/**
 * The Nix expression that evaluates a hosts file to JSON without touching the store: every path value
 * becomes a string relative to the file ({@code ./hosts/web/configuration.nix}), so paths to files that
 * do not exist here (real hosts files are full of them) never break evaluation. Pure text, no I/O.
 */
public final class NixWrapper {

    /** The name the submitted source gets beside the wrapper, and in error messages. */
    public static final String SOURCE_FILE = "hosts.nix";
    public static final String WRAPPER_FILE = "fleetplane-eval.nix";

    private NixWrapper() {
    }

    /**
     * Imports {@value #SOURCE_FILE}; a file that is a function is called with {@code {}} (every argument
     * must then have a default). Functions inside the result become the string {@code <function>}.
     */
    public static String expression() {
        return """
                let
                  base = toString ./.;
                  prefix = base + "/";
                  n = builtins.stringLength prefix;
                  relative = s:
                    if builtins.substring 0 n s == prefix
                    then "./" + builtins.substring n (builtins.stringLength s - n) s
                    else s;
                  plain = v:
                    if builtins.isPath v then relative (toString v)
                    else if builtins.isAttrs v then builtins.mapAttrs (_: plain) v
                    else if builtins.isList v then map plain v
                    else if builtins.isFunction v then "<function>"
                    else v;
                  raw = import ./%s;
                in plain (if builtins.isFunction raw then raw { } else raw)
                """.formatted(SOURCE_FILE);
    }

    /**
     * Nix's error text with the temporary directory taken out, so it names {@code hosts.nix:LINE:COL} and
     * never where the planner keeps its scratch files. Trailing hints about --show-trace are dropped.
     */
    public static String cleanError(String stderr, String workDir) {
        String s = stderr == null ? "" : stderr;
        if (workDir != null && !workDir.isEmpty()) {
            s = s.replace(workDir + "/", "");
            s = s.replace(workDir, ".");
        }
        s = Pattern.compile("\u001B\\[[0-9;]*m").matcher(s).replaceAll("");
        s = s.replace("(use '--show-trace' to show detailed location information)", "");
        return s.strip();
    }
}
