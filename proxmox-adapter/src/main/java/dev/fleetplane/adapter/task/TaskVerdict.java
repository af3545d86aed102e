package dev.fleetplane.adapter.task;

import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.TaskStatus;
import dev.fleetplane.proxmox.client.TaskWatch;
import dev.fleetplane.proxmox.client.Upid;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What one poll of a stored task means: keep waiting, succeeded, or failed (with the typed failure); pure. */
public sealed interface TaskVerdict {

    /** Still running and within its deadline. */
    record Wait() implements TaskVerdict {
    }

    record Succeeded(String note) implements TaskVerdict {
    }

    record Failed(PveException failure) implements TaskVerdict {
    }

    static TaskVerdict of(PendingTask task, TaskStatus status, List<String> logTail, Instant now) {
        Upid upid = Upid.parse(task.upid());
        if (status.running()) {
            if (now.isAfter(task.deadline())) {
                return new Failed(TaskWatch.timeout(upid, task.operation(), Duration.between(task.createdAt(), now)));
            }
            return new Wait();
        }
        try {
            TaskWatch.judge(status, upid, task.operation(), logTail);
            return new Succeeded(status.exitStatus());
        } catch (PveException e) {
            // Starting a VM that already runs is what the command asked for.
            if (task.operation().equals("start") && e.exitStatus() != null && e.exitStatus().contains("already running")) {
                return new Succeeded(e.exitStatus());
            }
            // Destroying a VM whose config is gone (destroyed meanwhile by a parallel request) is what was asked.
            if (task.operation().equals("destroy") && e.exitStatus() != null && e.exitStatus().contains("does not exist")) {
                return new Succeeded(e.exitStatus());
            }
            return new Failed(e);
        }
    }
}
