package dev.fleetplane.plancore.spec;

import java.util.regex.Pattern;

/**
 * The Nix expression that evaluates a hosts file to JSON without touching the store: every path value
 * becomes a string relative to the hosts file's directory ({@code ./hosts/web/configuration.nix}, or
 * {@code ../hosts/web/configuration.nix} for a path elsewhere under the evaluation root), so paths to files
 * that do not exist here (real hosts files are full of them) never break evaluation. The same holds for paths
 * written in files the hosts file imports: Nix resolves them against the importing file, the wrapper then
 * makes them relative to the hosts file. Paths outside the root stay absolute, as written. Pure text, no I/O.
 */
public final class NixWrapper {

    /** The name the submitted source gets in its scratch directory, and in error messages. */
    public static final String SOURCE_FILE = "hosts.nix";

    private NixWrapper() {
    }

    /**
     * A function of three strings, passed with {@code --argstr}: {@code hostsFile} (absolute), {@code hostsDir}
     * (its directory) and {@code root} (the directory evaluation may read; the hosts file is under it), all
     * canonical. It imports the hosts file; a file that is a function is called with {@code {}} (every argument
     * must then have a default). Functions inside the result become the string {@code <function>}.
     */
    public static String expression() {
        return """
                { hostsFile, hostsDir, root }:
                let
                  components = s: builtins.filter (c: builtins.isString c && c != "") (builtins.split "/" s);
                  here = components hostsDir;
                  dropCommon = a: b:
                    if a != [ ] && b != [ ] && builtins.head a == builtins.head b
                    then dropCommon (builtins.tail a) (builtins.tail b)
                    else { up = builtins.length a; down = b; };
                  ups = n: if n == 0 then [ ] else [ ".." ] ++ ups (n - 1);
                  underRoot = s: s == root || builtins.substring 0 (builtins.stringLength root + 1) s == root + "/";
                  relative = s:
                    let d = dropCommon here (components s);
                    in if !(underRoot s) then s
                       else if d.up == 0 && d.down == [ ] then "."
                       else if d.up == 0 then "./" + builtins.concatStringsSep "/" d.down
                       else builtins.concatStringsSep "/" (ups d.up ++ d.down);
                  plain = v:
                    if builtins.isPath v then relative (toString v)
                    else if builtins.isAttrs v then builtins.mapAttrs (_: plain) v
                    else if builtins.isList v then map plain v
                    else if builtins.isFunction v then "<function>"
                    else v;
                  raw = import (/. + hostsFile);
                in plain (if builtins.isFunction raw then raw { } else raw)
                """;
    }

    /**
     * Nix's error text with the evaluation root taken out (so it names {@code hosts.nix:LINE:COL} or
     * {@code vms/definitions.nix:4:7}, relative to the root) and the scratch directory taken out (so it never
     * says where the evaluator keeps its files). Colour codes, Boehm GC warnings and the --show-trace hint are
     * dropped; a trace longer than {@code maxLines} keeps its first lines.
     */
    public static String cleanError(String stderr, String root, String scratchDir, int maxLines) {
        String s = stderr == null ? "" : stderr;
        for (String dir : new String[] {root, scratchDir}) {
            if (dir != null && !dir.isEmpty()) {
                s = s.replace(dir + "/", "");
                s = s.replace(dir, ".");
            }
        }
        s = Pattern.compile("\u001B\\[[0-9;]*m").matcher(s).replaceAll("");
        s = Pattern.compile("(?m)^GC Warning:.*\\R?").matcher(s).replaceAll("");
        s = s.replace("(use '--show-trace' to show detailed location information)", "");
        String[] lines = withoutWrapperFrames(s.strip().split("\\R", -1));
        s = String.join("\n", lines).strip();
        lines = s.split("\\R", -1);
        if (lines.length > maxLines) {
            s = String.join("\n", java.util.Arrays.copyOf(lines, maxLines)) + "\n       … (" + (lines.length - maxLines)
                    + " more lines of trace)";
        }
        return s.strip();
    }

    /**
     * The trace up to the first frame in this wrapper (Nix names it {@code «string»}): what follows is how the wrapper
     * called the hosts file, which says nothing about the user's files. An error in the wrapper itself is kept whole.
     */
    private static String[] withoutWrapperFrames(String[] lines) {
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].contains("«string»")) {
                int frame = i;
                while (frame > 0 && !lines[frame].strip().startsWith("…")) {
                    frame--;
                }
                if (frame > 0) {
                    return java.util.Arrays.copyOf(lines, frame);
                }
                break;
            }
        }
        return lines;
    }

    /** {@link #cleanError(String, String, String, int)} for a source evaluated alone in its scratch directory. */
    public static String cleanError(String stderr, String workDir) {
        return cleanError(stderr, workDir, null, Integer.MAX_VALUE);
    }
}
