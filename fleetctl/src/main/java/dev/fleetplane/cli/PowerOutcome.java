package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The answer to a day-2 power command, found in the event log by its causation id (the command's id); pure.
 *
 * @param ok      the adapter reports success
 * @param message the line to print: {@code web (VMID 111 on pve): rebooted (UPID ...)} or the failure's reason
 */
record PowerOutcome(boolean ok, String message) {

    /** The first event of {@code events} that answers {@code commandId}, rendered for {@code accepted}'s target. */
    static Optional<PowerOutcome> find(JsonNode events, String commandId, JsonNode accepted) {
        for (JsonNode e : events) {
            if (!commandId.equals(e.path("causationId").asText())) {
                continue;
            }
            String type = e.path("type").asText();
            JsonNode d = e.path("data");
            String who = who(accepted);
            String upid = d.path("upid").isTextual() ? " (" + d.path("upid").asText() + ")" : "";
            if (type.startsWith("fleetplane.vm.started.")) {
                return Optional.of(new PowerOutcome(true, who + ": " + (upid.isEmpty() ? "already running" : "started" + upid)));
            }
            if (type.startsWith("fleetplane.vm.rebooted.")) {
                return Optional.of(new PowerOutcome(true, who + ": rebooted" + upid));
            }
            if (type.startsWith("fleetplane.vm.stopped.")) {
                String how = upid.isEmpty() ? "already stopped"
                        : "shutdown".equals(accepted.path("action").asText())
                        ? (d.path("graceful").asBoolean() ? "shut down" : "stopped hard: the guest did not shut down in time")
                        : "stopped";
                return Optional.of(new PowerOutcome(true, who + ": " + how + upid));
            }
            if (type.startsWith("fleetplane.pve.operation-failed.")) {
                String exit = d.path("exitStatus").isTextual() && !d.path("message").asText().contains(d.path("exitStatus").asText())
                        ? " [" + d.path("exitStatus").asText() + "]" : "";
                return Optional.of(new PowerOutcome(false, who + ": " + accepted.path("action").asText() + " failed ("
                        + d.path("failure").asText() + "): " + d.path("message").asText() + exit));
            }
        }
        return Optional.empty();
    }

    /** {@code web (VMID 111 on pve)}, or {@code VM 150 (hand-made) on pve} for a VM that is no host. */
    static String who(JsonNode accepted) {
        String node = " on " + accepted.path("node").asText();
        if (accepted.hasNonNull("host")) {
            return accepted.get("host").asText() + " (VMID " + accepted.path("vmid").asInt() + node + ")";
        }
        String name = accepted.path("name").asText("");
        return "VM " + accepted.path("vmid").asInt() + (name.isEmpty() ? "" : " (" + name + ")") + node;
    }
}
