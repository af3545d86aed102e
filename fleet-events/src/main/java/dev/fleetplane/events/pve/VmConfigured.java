package dev.fleetplane.events.pve;

import java.util.List;

/** The VM's configuration was written; {@code keys} lists what was set. */
public record VmConfigured(String node, int vmid, List<String> keys) {
}
