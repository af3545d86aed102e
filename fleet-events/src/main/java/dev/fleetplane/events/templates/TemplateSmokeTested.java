package dev.fleetplane.events.templates;

/**
 * A throwaway clone of the candidate booted, its guest agent answered with a DHCP address, and an SSH login with
 * the fleet key worked; the clone is destroyed again.
 */
public record TemplateSmokeTested(String template, String buildId, String node, int candidateVmid, int probeVmid,
                                  String address, long durationMillis) {
}
