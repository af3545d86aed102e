package dev.fleetplane.adapter.task;

import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.proxmox.client.PveException;
import java.util.Set;

/**
 * What a finished Proxmox task means for the command that started it: its answer and what goes with it. The handler
 * that stores a task row owns its completion, so the poller knows no operation; {@link TaskCompletions} finds it by
 * the row's operation.
 */
public interface TaskCompletion {

    /** The {@code pve_task} operations whose rows this completes (a stop has two: {@code shutdown}, {@code stop}). */
    Set<String> operations();

    /** The task did what was asked: the answer, written with the row's deletion. */
    Outcome succeeded(PendingTask task);

    /**
     * The task failed or outlived its deadline: usually {@code PveOperationFailed}. It may call Proxmox first (it runs
     * outside any transaction) and store a follow-up row instead of answering.
     */
    Outcome failed(PendingTask task, PveException failure);

    /**
     * A failed task whose failure is what the command asked for anyway (a start of a VM that runs already): answered
     * as {@link #succeeded}. Pure; none by default.
     */
    default boolean failureMeansDone(PveException failure) {
        return false;
    }

    /** A row without a UPID is done once the VM is gone (a destroy that was already running), else once it is unlocked. */
    default boolean doneWhenGone() {
        return false;
    }
}
