package dev.fleetplane.adapter.task;

import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.TaskStatus;
import dev.fleetplane.proxmox.client.TaskWatch;
import dev.fleetplane.proxmox.client.Upid;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/** What one poll of a stored task means: keep waiting, succeeded, or failed (with the typed failure); pure. */
public sealed interface TaskVerdict {

    /** Still running and within its deadline. */
    record Wait() implements TaskVerdict {
    }

    record Succeeded(String note) implements TaskVerdict {
    }

    record Failed(PveException failure) implements TaskVerdict {
    }

    /**
     * @param failureMeansDone the operation's own word on a failed task whose failure is what the command asked for
     *                         anyway ({@link TaskCompletion#failureMeansDone})
     */
    static TaskVerdict of(PendingTask task, TaskStatus status, List<String> logTail, Instant now,
                          Predicate<PveException> failureMeansDone) {
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
            if (failureMeansDone.test(e)) {
                return new Succeeded(e.exitStatus());
            }
            return new Failed(e);
        }
    }
}
