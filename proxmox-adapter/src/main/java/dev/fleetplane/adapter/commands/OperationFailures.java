package dev.fleetplane.adapter.commands;

import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.proxmox.client.PveException;
import java.util.List;

/** Turns a typed Proxmox failure into the {@code PveOperationFailed} event; pure. */
public final class OperationFailures {

    private OperationFailures() {
    }

    public static PveOperationFailed of(String operation, String node, int vmid, PveException e) {
        return new PveOperationFailed(operation, node, vmid, e.failure().code(), e.getMessage(), e.httpStatus(),
                e.upid(), e.exitStatus(), e.logTail(), e.retryable());
    }

    /** A failure fleetplane itself decided on (refusal, bad command), not one Proxmox reported. */
    public static PveOperationFailed refused(String operation, String node, int vmid, String failure, String message) {
        return new PveOperationFailed(operation, node, vmid, failure, message, 0, null, null, List.of(), false);
    }
}
