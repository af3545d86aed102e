package dev.fleetplane.provisioner.checkout;

import dev.fleetplane.provisioner.ipresolution.IpLiteral;
import dev.fleetplane.provisioner.rebuild.RebuildTemplate;
import dev.fleetplane.provisioner.ssh.ShellCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The local rebuild's argument list: {@code nixos-rebuild switch --flake <checkout>#<host> --target-host <user>@<ip>},
 * plus the remote-sudo flag when the login user is not root (nixos-rebuild then activates through {@code sudo} on the
 * target). Run without a shell, so no value is ever parsed by one; every value is checked anyway. Pure.
 */
public final class CheckoutCommand {

    private static final Pattern FLAG = Pattern.compile("--[a-z][a-z-]*");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./#-]+");

    private CheckoutCommand() {
    }

    public static List<String> argv(String program, Path checkout, String host, String user, String ip,
                                    String remoteSudoFlag) {
        List<String> problems = new ArrayList<>();
        if (program == null || program.isBlank()) {
            problems.add("fleetplane.provisioner.checkout.nixos-rebuild is empty");
        }
        problems.addAll(flakePathProblems(checkout));
        RebuildTemplate.hostProblem(host).ifPresent(problems::add);
        RebuildTemplate.userProblem(user).ifPresent(problems::add);
        if (!IpLiteral.isValid(ip)) {
            problems.add("ip '" + ip + "' is not an IPv4 or IPv6 address");
        }
        boolean sudo = !"root".equals(user);
        if (sudo && (remoteSudoFlag == null || !FLAG.matcher(remoteSudoFlag).matches())) {
            problems.add("fleetplane.provisioner.checkout.remote-sudo-flag = '" + remoteSudoFlag
                    + "' is not a long option such as --use-remote-sudo or --sudo");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot run the rebuild from the checkout: " + String.join("; ", problems));
        }
        List<String> argv = new ArrayList<>(List.of(program, "switch", "--flake", checkout + "#" + host,
                "--target-host", user + "@" + ip));
        if (sudo) {
            argv.add(remoteSudoFlag);
        }
        return List.copyOf(argv);
    }

    /**
     * What is wrong with a checkout path as the path part of a flake reference: it must be absolute, and {@code #},
     * {@code ?} or a blank would change (or break) the reference.
     */
    static List<String> flakePathProblems(Path checkout) {
        if (checkout == null) {
            return List.of("fleetplane.provisioner.checkout.path is not set");
        }
        String p = checkout.toString();
        List<String> out = new ArrayList<>();
        if (!checkout.isAbsolute()) {
            out.add("fleetplane.provisioner.checkout.path = '" + p + "' is not an absolute path");
        }
        if (p.chars().anyMatch(c -> c == '#' || c == '?' || Character.isWhitespace(c) || Character.isISOControl(c))) {
            out.add("fleetplane.provisioner.checkout.path = '" + p + "' holds '#', '?' or a blank, which a flake"
                    + " reference (<path>#<host>) cannot carry");
        }
        return out;
    }

    /** The command line as a shell would need it typed, for logs and events. */
    public static String display(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(PLAIN.matcher(a).matches() ? a : ShellCommand.quote(a));
        }
        return b.toString();
    }
}
