package dev.fleetplane.provisioner.ipresolution;

import dev.fleetplane.events.pve.GuestAgentUnavailable;
import dev.fleetplane.events.pve.GuestNetworkReported;

/**
 * What one guest-network query told us: a usable address, or why there is none yet (in words an
 * operator reads in the log and in {@code ProvisioningFailed}).
 *
 * @param ip     the usable address, or null
 * @param reason why there is no usable address; null when {@code ip} is set
 */
public record AgentAnswer(String ip, String reason) {

    public boolean hasAddress() {
        return ip != null;
    }

    public static AgentAnswer of(GuestNetworkReported reported) {
        String chosen = reported.chosenIp();
        if (chosen == null || chosen.isBlank()) {
            String note = reported.note() == null || reported.note().isBlank() ? "" : " (" + reported.note() + ")";
            return new AgentAnswer(null, "no usable address yet" + note);
        }
        if (!IpLiteral.isValid(chosen)) {
            return new AgentAnswer(null, "the adapter reported '" + chosen + "', which is not an IP address");
        }
        return new AgentAnswer(chosen, null);
    }

    public static AgentAnswer of(GuestAgentUnavailable unavailable) {
        String reason = unavailable.reason() == null ? "" : unavailable.reason();
        String words = switch (reason) {
            case "not-configured" -> "guest agent not configured on the VM";
            case "not-running" -> "guest agent not running";
            case "vm-not-running" -> "VM not running";
            case "error" -> "guest agent error";
            default -> "guest agent unavailable (" + reason + ")";
        };
        String message = unavailable.message() == null || unavailable.message().isBlank()
                ? "" : ": " + unavailable.message();
        return new AgentAnswer(null, words + message);
    }
}
