package dev.fleetplane.adapter.task;

import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.Replies;
import java.time.Instant;
import java.util.Map;

/**
 * A Proxmox task the adapter still has to see finish, with what it needs to answer the command that
 * started it once the command itself is long gone.
 *
 * @param upid      null when there is no task to poll, only a VM lock to see cleared
 * @param operation {@code clone}, {@code start}, {@code resize}, {@code shutdown}, {@code stop}, {@code destroy},
 *                  {@code configure}
 * @param details   operation-specific values for the answer (clone: {@code name}, {@code templateVmid}; resize:
 *                  {@code disk}, {@code size}; configure: {@code keys})
 */
public record PendingTask(long id, String upid, String node, int vmid, String operation, String commandEventId,
                          String commandType, String host, String kafkaKey, String correlationId,
                          Map<String, String> details, Instant deadline, Instant createdAt) {

    public PendingTask {
        details = Map.copyOf(details);
    }

    public static PendingTask forCommand(Command command, String upid, String node, int vmid, String operation,
                                         Map<String, String> details, Instant deadline) {
        var e = command.event();
        return new PendingTask(0, upid, node, vmid, operation, e.id(), e.type(), e.subject(), command.kafkaKey(),
                e.correlationId(), details, deadline, Instant.now());
    }

    /** The command, rebuilt from the stored ids, to cause the answer. */
    public Command command() {
        return Replies.storedCommand(commandEventId, commandType, host, correlationId, kafkaKey);
    }

    public String logContext() {
        return "host=" + host + " correlation=" + correlationId + " command=" + commandEventId
                + (upid != null ? " upid=" + upid : "");
    }
}
