package dev.fleetplane.provisioner.checkout;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a local rebuild's SSH connection dropping during the switch shows: the activation restarted the guest's network
 * (DHCP may hand out a new address), ssh notices the silent peer (ServerAlive) or the reset, prints why and exits 255,
 * and nixos-rebuild exits non-zero. Those words of ssh, among the last output lines, tell it from a failed build. Pure.
 */
public final class SwitchDrop {

    /** What OpenSSH prints when an established connection dies (not when it cannot connect at all). */
    private static final List<Pattern> DROPPED = List.of(
            Pattern.compile("Timeout, server .* not responding\\.?"),
            Pattern.compile("Connection to .* closed by remote host\\.?"),
            Pattern.compile("client_loop: send disconnect: .*"),
            Pattern.compile("packet_write_wait: Connection to .*"),
            Pattern.compile("Read from remote host .*: .*"),
            Pattern.compile("Connection reset by .* port \\d+.*"));
    /** Only the last lines count: ssh's words come last, nixos-rebuild's own failure message after them. */
    static final int LAST_LINES = 10;

    private SwitchDrop() {
    }

    /** The line saying the connection dropped, if one of the last output lines does. */
    public static Optional<String> in(List<String> tail) {
        List<String> last = tail.subList(Math.max(0, tail.size() - LAST_LINES), tail.size());
        for (int i = last.size() - 1; i >= 0; i--) {
            String line = last.get(i).strip();
            for (Pattern p : DROPPED) {
                if (p.matcher(line).find()) {
                    return Optional.of(line);
                }
            }
        }
        return Optional.empty();
    }
}
