package dev.fleetplane.events.provisioning;

import java.util.List;

/** {@code tailscale up} succeeded on the guest with a single-use, ephemeral, pre-authorised key (never carried here). */
public record TailscaleEnrolled(String host, int vmid, List<String> tags) {
}
