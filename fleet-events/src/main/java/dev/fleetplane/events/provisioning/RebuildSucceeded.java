package dev.fleetplane.events.provisioning;

import java.util.List;

/** The rebuild command exited 0 on the guest. */
public record RebuildSucceeded(String host, String ip, String command, long durationMillis, List<String> outputTail) {
}
