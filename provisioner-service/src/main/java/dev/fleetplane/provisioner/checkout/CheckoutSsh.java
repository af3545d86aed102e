package dev.fleetplane.provisioner.checkout;

import dev.fleetplane.provisioner.rebuild.RebuildTemplate;
import dev.fleetplane.provisioner.ssh.HostKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The SSH settings of the local rebuild's processes (nixos-rebuild, its ssh and nix-copy-closure), as files: a
 * known_hosts holding only the key pinned for the host, under the host's name ({@code HostKeyAlias}: the pin belongs
 * to the host, not to an address DHCP may move), and an ssh_config that checks it strictly, logs in with the fleet
 * identity only and never prompts. Reaches them as {@code NIX_SSHOPTS=-F <config>}. Pure: renders the files' text.
 */
public final class CheckoutSsh {

    /** Missed keepalives before ssh gives a silent peer up (as SSHJ's keepalive in GuestShell). */
    static final int MISSED_KEEPALIVES = 3;
    private static final Pattern KEY_TYPE = Pattern.compile("[a-z0-9@.-]+");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

    private CheckoutSsh() {
    }

    /** One known_hosts line: {@code <host> <key type> <base64 key>}. */
    public static String knownHosts(String host, HostKey pinned) {
        checkHost(host);
        if (!KEY_TYPE.matcher(pinned.keyType()).matches() || !BASE64.matcher(pinned.publicKey()).matches()) {
            throw new IllegalArgumentException("the host key pinned for " + host + " (" + pinned
                    + ") cannot be written as a known_hosts line");
        }
        return host + " " + pinned.keyType() + " " + pinned.publicKey() + "\n";
    }

    /** The ssh_config for the rebuild of {@code host}; every target it connects to must show the pinned key. */
    public static String config(String host, Path knownHosts, Path identity, int port, Duration connectTimeout,
                                Duration keepalive) {
        checkHost(host);
        return "# Written by fleetplane for one rebuild of " + host + " from the checkout; deleted after it.\n"
                + "Host *\n"
                + "  HostKeyAlias " + host + "\n"
                + "  UserKnownHostsFile " + quoted(knownHosts, "known_hosts file") + "\n"
                + "  GlobalKnownHostsFile /dev/null\n"
                + "  StrictHostKeyChecking yes\n"
                + "  UpdateHostKeys no\n"
                + "  CheckHostIP no\n"
                + "  IdentityFile " + quoted(identity, "fleetplane.provisioner.ssh.identity-file") + "\n"
                + "  IdentitiesOnly yes\n"
                + "  BatchMode yes\n"
                + "  Port " + port + "\n"
                + "  ConnectTimeout " + Math.max(1, connectTimeout.toSeconds()) + "\n"
                + "  ServerAliveInterval " + Math.max(1, keepalive.toSeconds()) + "\n"
                + "  ServerAliveCountMax " + MISSED_KEEPALIVES + "\n";
    }

    /** The value of {@code NIX_SSHOPTS}: only the config file (nixos-rebuild splits the variable on blanks). */
    public static String nixSshOpts(Path config) {
        String p = config.toString();
        if (p.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the SSH config path " + p + " holds a blank (java.io.tmpdir?)");
        }
        return "-F " + p;
    }

    /**
     * A path in double quotes, {@code %} doubled (ssh expands {@code %} tokens in these settings); a double quote or
     * a line break cannot be written in an ssh_config value at all.
     */
    static String quoted(Path path, String what) {
        String p = path.toAbsolutePath().toString();
        if (p.indexOf('"') >= 0 || p.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " " + p + " holds a double quote or a control character, which"
                    + " an ssh_config file cannot carry");
        }
        return "\"" + p.replace("%", "%%") + "\"";
    }

    private static void checkHost(String host) {
        RebuildTemplate.hostProblem(host).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }
}
