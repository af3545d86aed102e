package dev.fleetplane.events.pve;

import java.util.List;

/**
 * A Proxmox call or task failed.
 *
 * @param operation  {@code clone}, {@code configure}, {@code start}, {@code inventory}, ...
 * @param failure    the typed failure: {@code unauthorized}, {@code forbidden}, {@code not-found},
 *                   {@code locked}, {@code already-exists}, {@code invalid-parameter}, {@code task-failed},
 *                   {@code agent-not-configured}, {@code agent-not-running}, {@code vm-not-running},
 *                   {@code vm-running}, {@code not-owned} (a VM fleetplane neither created nor adopted),
 *                   {@code transient}, {@code timeout}, {@code bad-response}
 * @param httpStatus 0 when no HTTP answer was involved
 * @param exitStatus the task's exit status, for task failures
 * @param logTail    the last lines of the task log, for task failures
 */
public record PveOperationFailed(String operation, String node, int vmid, String failure, String message,
                                 int httpStatus, String upid, String exitStatus, List<String> logTail,
                                 boolean retryable) {
}
