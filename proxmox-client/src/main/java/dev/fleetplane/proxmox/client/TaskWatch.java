package dev.fleetplane.proxmox.client;

import dev.fleetplane.proxmox.client.PveException.Failure;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Waits for a Proxmox task: polls {@code /tasks/{upid}/status} until it stops, then judges it. {@code OK}
 * and {@code WARNINGS: n} are success; anything else is a {@code TASK_FAILED} carrying the exit status
 * and the last log lines. For long waits inside services prefer storing the UPID and polling from a
 * scheduler ({@link #judge}); this blocking form suits the CLI and tests.
 */
public final class TaskWatch {

    /** Log lines kept on a failed task. */
    public static final int LOG_TAIL = 20;

    private TaskWatch() {
    }

    /** Blocks until the task stops or {@code timeout} passes (then {@code TIMEOUT}, retryable: the task may still finish). */
    public static TaskStatus await(ProxmoxClient client, Upid upid, String operation, Duration interval, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TaskStatus status;
            try {
                status = client.taskStatus(upid);
            } catch (PveException e) {
                // Right after dispatch a task may not be visible yet (400 "no such task"), and 59x are proxy hiccups.
                if (!(e.failure() == Failure.NOT_FOUND || e.retryable())) {
                    throw e;
                }
                status = null;
            }
            if (status != null && !status.running()) {
                return judge(status, upid, operation, status.succeeded() ? List.of() : tailOrEmpty(client, upid));
            }
            if (System.nanoTime() >= deadline) {
                throw timeout(upid, operation, timeout);
            }
            sleep(interval);
        }
    }

    /** Success returns the status; failure throws {@code TASK_FAILED} naming the task, its exit status and log tail. */
    public static TaskStatus judge(TaskStatus status, Upid upid, String operation, List<String> logTail) {
        if (status.running()) {
            throw new IllegalArgumentException("task " + upid + " is still running");
        }
        if (status.succeeded()) {
            return status;
        }
        String exit = status.exitStatus() == null ? "unexpected status" : status.exitStatus();
        String tail = logTail.isEmpty() ? "" : "; last log lines: " + String.join(" | ", logTail);
        return fail(new PveException(Failure.TASK_FAILED, operation, "", 0, exit, Map.of(), upid.value(), exit, logTail,
                operation + " task " + upid.type() + " on node " + upid.node() + " failed: " + exit + " (" + upid + ")"
                        + tail, null));
    }

    public static PveException timeout(Upid upid, String operation, Duration timeout) {
        return new PveException(Failure.TIMEOUT, operation, "", 0, "task still running", Map.of(), upid.value(), null,
                List.of(), operation + " task " + upid.type() + " on node " + upid.node() + " still running after "
                + timeout.toSeconds() + " s (" + upid + ")", null);
    }

    private static List<String> tailOrEmpty(ProxmoxClient client, Upid upid) {
        try {
            return client.taskLogTail(upid, LOG_TAIL);
        } catch (PveException e) {
            return List.of("(task log unavailable: " + e.getMessage() + ")");
        }
    }

    private static TaskStatus fail(PveException e) {
        throw e;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Proxmox task", e);
        }
    }
}
