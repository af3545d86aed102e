package dev.fleetplane.events.provisioning;

import java.util.List;

/** Provisioning stopped at {@code step} ({@code resolve-ip}, {@code ssh}, {@code rebuild}) for {@code reason}. */
public record ProvisioningFailed(String host, int vmid, String step, String reason, List<String> outputTail) {
}
