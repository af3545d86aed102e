package dev.fleetplane.events.provisioning;

import java.util.List;

/**
 * Provisioning stopped at {@code step} for {@code reason}, with the last output lines of that step. Steps:
 * {@code resolve-ip}, {@code ssh}, {@code hardware-config}, {@code rebuild}, {@code confirm}, {@code integrate},
 * {@code tailscale}. {@code fleetplane retry HOST} runs the host again from this step.
 */
public record ProvisioningFailed(String host, int vmid, String step, String reason, List<String> outputTail) {
}
