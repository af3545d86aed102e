package dev.fleetplane.provisioner.integrate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The command that joins a guest to the tailnet, with its auth key kept out of the command line.
 *
 * <p>The key goes to {@code tailscale up} on stdin ({@code --auth-key=file:/dev/stdin}: the CLI reads the key from the
 * named file when the flag's value starts with {@code file:}, see {@code cmd/tailscale/cli/up.go}). Run it over SSH
 * with {@link #commandLine()} as the exec command and {@link #stdin()} written to the channel's stdin: the key is then
 * in no argv (which any user on the guest can read in {@code /proc/<pid>/cmdline}), no environment, no shell history
 * and no log line, and it is single-use and valid 600 s anyway.
 *
 * @param host    the guest's host name, used as its tailnet machine name
 * @param tags    the tags to advertise (the same the key was minted with)
 * @param authKey the auth key
 */
public record TailscaleUp(String host, List<String> tags, Secret authKey) {

    /** A DNS label, as {@code tailscale up --hostname} requires (dnsname.ValidHostname). */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
    private static final Pattern TAG = Pattern.compile("tag:[a-zA-Z][a-zA-Z0-9-]*");

    public TailscaleUp {
        if (host == null || !DNS_LABEL.matcher(host).matches()) {
            throw new IllegalArgumentException("host '" + host + "' cannot be a tailscale hostname: it must be a DNS"
                    + " label (letters, digits, '-', 1..63 characters, no '-' at either end)");
        }
        tags = List.copyOf(tags == null ? List.of() : tags);
        for (String tag : tags) {
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("host " + host + ": tailscale tag '" + tag + "' is invalid");
            }
        }
        if (authKey == null) {
            throw new IllegalArgumentException("host " + host + ": tailscale up needs an auth key");
        }
    }

    /** The command's words; none of them is secret. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>(List.of("tailscale", "up", "--auth-key=file:/dev/stdin", "--hostname=" + host));
        if (!tags.isEmpty()) {
            argv.add("--advertise-tags=" + String.join(",", tags));
        }
        return argv;
    }

    /**
     * The command as one line for SSH's exec request. Every word is validated to hold only letters, digits and
     * {@code -=:/,}, none of which a POSIX shell treats specially, so no quoting is needed.
     */
    public String commandLine() {
        return String.join(" ", argv());
    }

    /** What to write to the command's stdin: the key and a newline (the CLI trims it). */
    public byte[] stdin() {
        return (authKey.reveal() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return commandLine() + " (auth key on stdin, redacted)";
    }
}
