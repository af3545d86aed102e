package dev.fleetplane.provisioner.rebuild;

import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.provisioner.ipresolution.IpLiteral;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rebuild command of a ProvisionHost: {@code {host}}, {@code {ip}} and {@code {user}} are filled in.
 * The command itself is the operator's (it may use {@code &&}, pipes, {@code ${VAR}}); the values put into it
 * come from events and are checked to hold no shell metacharacters, so they can never change its meaning.
 */
public final class RebuildTemplate {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\$)\\{([A-Za-z_][A-Za-z0-9_-]*)}");
    private static final Set<String> KNOWN = Set.of("host", "ip", "user");

    private RebuildTemplate() {
    }

    /** Everything wrong with {@code command} before any IP is known; empty when it can be provisioned. */
    public static List<String> problems(ProvisionHost command) {
        List<String> out = new ArrayList<>();
        hostProblem(command.host()).ifPresent(out::add);
        if (command.node() == null || command.node().isBlank()) {
            out.add("node is missing");
        }
        if (command.vmid() < 100) {
            out.add("vmid " + command.vmid() + " is not a Proxmox guest id (100 or more)");
        }
        userProblem(command.user()).ifPresent(out::add);
        out.addAll(templateProblems(command.rebuildCommand()));
        return out;
    }

    /** The command with the values filled in; every value is checked first. */
    public static String render(String template, String host, String ip, String user) {
        List<String> problems = new ArrayList<>(templateProblems(template));
        hostProblem(host).ifPresent(problems::add);
        userProblem(user).ifPresent(problems::add);
        if (!IpLiteral.isValid(ip)) {
            problems.add("ip '" + ip + "' is not an IPv4 or IPv6 address");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot render the rebuild command: " + String.join("; ", problems));
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "host" -> host;
                case "ip" -> ip;
                case "user" -> user;
                default -> throw new IllegalStateException("unchecked placeholder " + m.group());
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static java.util.Optional<String> hostProblem(String host) {
        if (host == null || host.isBlank()) {
            return java.util.Optional.of("host name is missing");
        }
        if (host.length() > 253 || !allLabels(host)) {
            return java.util.Optional.of("host name '" + printable(host) + "' must be letters, digits and '-'"
                    + " in dot-separated labels of at most 63 (no shell metacharacters, no spaces)");
        }
        return java.util.Optional.empty();
    }

    public static java.util.Optional<String> userProblem(String user) {
        if (user == null || user.isBlank()) {
            return java.util.Optional.of("user is missing");
        }
        if (!USER.matcher(user).matches()) {
            return java.util.Optional.of("user '" + printable(user) + "' must be a POSIX login name"
                    + " (lower-case letters, digits, '_' and '-', at most 32, not starting with a digit or '-')");
        }
        return java.util.Optional.empty();
    }

    static List<String> templateProblems(String template) {
        if (template == null || template.isBlank()) {
            return List.of("rebuild command is missing");
        }
        List<String> out = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!KNOWN.contains(m.group(1))) {
                out.add("rebuild command has unknown placeholder " + m.group() + " at offset " + m.start()
                        + " (known: {host}, {ip}, {user})");
            }
        }
        return out;
    }

    private static boolean allLabels(String host) {
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Control characters in an error message would garble logs; show them escaped. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return s.length() > 80 ? b + "…" : b.toString();
    }
}
