package dev.fleetplane.events.provisioning;

import java.util.List;

/**
 * The switch took effect, seen over a fresh SSH connection: {@code /run/current-system} points at
 * {@code systemAfter}.
 *
 * @param connectionDropped the SSH connection that ran the rebuild dropped during the switch (the guest's network
 *                          restarted); the command's own exit status was then never seen
 * @param systemBefore      {@code /run/current-system} before the rebuild (null when never read)
 */
public record RebuildSucceeded(String host, String ip, String command, long durationMillis, List<String> outputTail,
                               Boolean connectionDropped, String systemBefore, String systemAfter) {

    public RebuildSucceeded(String host, String ip, String command, long durationMillis, List<String> outputTail) {
        this(host, ip, command, durationMillis, outputTail, null, null, null);
    }
}
