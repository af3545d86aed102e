package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes an evaluated spec back as hosts.nix source ({@code fleetplane spec export}): settings first
 * ({@code _proxmox}, {@code _fleetplane}), then the hosts by name, each host's {@code proxmox} set last. Evaluating
 * the result with {@link NixEvaluator} gives the same JSON back. Pure.
 *
 * <p>Paths: {@link NixWrapper} turns every path inside the file's directory into the string
 * {@code ./hosts/web/configuration.nix}; such a string (outside the settings and a host's {@code proxmox} set, and a
 * valid Nix path literal) is written back as the path literal it came from. Anything else is a string: quoted, with
 * {@code \}, {@code "}, {@code ${} and control characters escaped. Functions cannot be written back (evaluation made
 * them the string {@code <function>}): {@link #functions} names where they were.
 */
public final class HostsNixRenderer {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_'-]*");
    private static final Set<String> KEYWORDS = Set.of("if", "then", "else", "assert", "with", "let", "in", "rec",
            "inherit", "or");
    /** A relative path literal as Nix reads it: {@code ./} then segments of path characters, no trailing slash. */
    private static final Pattern PATH = Pattern.compile("\\./[a-zA-Z0-9._+-]+(/[a-zA-Z0-9._+-]+)*");
    private static final String INDENT = "  ";

    private HostsNixRenderer() {
    }

    /** The whole file: {@code header} lines as {@code #} comments, then the top-level attribute set. */
    public static String render(JsonNode spec, List<String> header) {
        StringBuilder out = new StringBuilder();
        for (String line : header) {
            out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
        }
        out.append("{\n");
        boolean first = true;
        for (String key : topLevelOrder(spec)) {
            if (!first) {
                out.append('\n');
            }
            first = false;
            binding(out, INDENT, key, spec.get(key), !key.startsWith("_"));
        }
        return out.append("}\n").toString();
    }

    /** One host's binding as it sits in the top-level set ({@code   web = { ... };}), to paste into hosts.nix. */
    public static String renderHost(JsonNode spec, String host) {
        JsonNode value = spec.get(host);
        if (value == null) {
            throw new IllegalArgumentException("the spec has no host '" + host + "'");
        }
        StringBuilder out = new StringBuilder();
        binding(out, INDENT, host, value, !host.startsWith("_"));
        return out.toString();
    }

    /** Where the evaluated spec holds a function (the string {@code <function>}): those cannot be exported. */
    public static List<String> functions(JsonNode spec) {
        List<String> out = new ArrayList<>();
        collectFunctions(spec, "", out);
        return out;
    }

    /** {@code name} as a Nix attribute name: bare when it is an identifier and no keyword, else a quoted string. */
    public static String attributeName(String name) {
        return IDENTIFIER.matcher(name).matches() && !KEYWORDS.contains(name) ? name : string(name);
    }

    /** A double-quoted Nix string that evaluates to exactly {@code s}. */
    public static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                // "${" would start an interpolation; a lone "$" is literal.
                case '$' -> out.append(i + 1 < s.length() && s.charAt(i + 1) == '{' ? "\\$" : "$");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static List<String> topLevelOrder(JsonNode spec) {
        List<String> settings = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        spec.fieldNames().forEachRemaining(k -> (k.startsWith("_") ? settings : hosts).add(k));
        settings.sort((a, b) -> Integer.compare(settingRank(a), settingRank(b)) != 0
                ? Integer.compare(settingRank(a), settingRank(b)) : a.compareTo(b));
        hosts.sort(String::compareTo);
        List<String> out = new ArrayList<>(settings);
        out.addAll(hosts);
        return out;
    }

    private static int settingRank(String key) {
        return switch (key) {
            case "_proxmox" -> 0;
            case "_fleetplane" -> 1;
            default -> 2;
        };
    }

    private static void binding(StringBuilder out, String indent, String name, JsonNode value, boolean pathsAllowed) {
        out.append(indent).append(attributeName(name)).append(" = ");
        value(out, indent, value, pathsAllowed);
        out.append(";\n");
    }

    private static void value(StringBuilder out, String indent, JsonNode v, boolean pathsAllowed) {
        if (v == null || v.isNull()) {
            out.append("null");
        } else if (v.isBoolean()) {
            out.append(v.booleanValue());
        } else if (v.isIntegralNumber()) {
            out.append(v.bigIntegerValue().signum() < 0 ? "(" + v.bigIntegerValue() + ")" : v.bigIntegerValue());
        } else if (v.isNumber()) {
            out.append(floatLiteral(v.decimalValue()));
        } else if (v.isTextual()) {
            String s = v.textValue();
            out.append(pathsAllowed && PATH.matcher(s).matches() && !s.contains("/../") && !s.endsWith("/..")
                    ? s : string(s));
        } else if (v.isArray()) {
            list(out, indent, v, pathsAllowed);
        } else if (v.isObject()) {
            set(out, indent, v, pathsAllowed);
        } else {
            throw new IllegalArgumentException("not a JSON value Nix can hold: " + v.getNodeType());
        }
    }

    private static void set(StringBuilder out, String indent, JsonNode v, boolean pathsAllowed) {
        if (v.isEmpty()) {
            out.append("{ }");
            return;
        }
        List<String> keys = new ArrayList<>();
        v.fieldNames().forEachRemaining(keys::add);
        keys.sort(String::compareTo);
        // A host's proxmox set last: it reads like the hosts files fleetplane was made for.
        if (keys.remove("proxmox")) {
            keys.add("proxmox");
        }
        out.append("{\n");
        String inner = indent + INDENT;
        for (String k : keys) {
            binding(out, inner, k, v.get(k), pathsAllowed && !k.equals("proxmox"));
        }
        out.append(indent).append('}');
    }

    private static void list(StringBuilder out, String indent, JsonNode v, boolean pathsAllowed) {
        if (v.isEmpty()) {
            out.append("[ ]");
            return;
        }
        boolean flat = v.size() <= 4;
        for (JsonNode e : v) {
            flat &= e.isValueNode();
        }
        if (flat) {
            out.append("[");
            for (JsonNode e : v) {
                out.append(' ');
                value(out, indent, e, pathsAllowed);
            }
            out.append(" ]");
            return;
        }
        out.append("[\n");
        String inner = indent + INDENT;
        for (JsonNode e : v) {
            out.append(inner);
            value(out, inner, e, pathsAllowed);
            out.append('\n');
        }
        out.append(indent).append(']');
    }

    /** A Nix float literal ({@code 1.5}, {@code 0.001}); Nix has no exponent-only form like {@code 1E3}. */
    static String floatLiteral(BigDecimal d) {
        String plain = d.abs().toPlainString();
        if (!plain.contains(".")) {
            plain += ".0";
        }
        return d.signum() < 0 ? "(-" + plain + ")" : plain;
    }

    private static void collectFunctions(JsonNode v, String at, List<String> out) {
        if (v.isTextual() && v.textValue().equals("<function>")) {
            out.add(at.isEmpty() ? "(top level)" : at);
        } else if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collectFunctions(e.getValue(), at.isEmpty() ? e.getKey() : at + "." + e.getKey(), out);
            }
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                collectFunctions(v.get(i), at + "[" + i + "]", out);
            }
        }
    }
}
