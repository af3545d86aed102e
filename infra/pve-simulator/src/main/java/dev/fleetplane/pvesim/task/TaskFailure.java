package dev.fleetplane.pvesim.task;

/** A worker's {@code die "text\n"}: the text becomes the task's exitstatus ({@code TASK ERROR: text}). */
public final class TaskFailure extends RuntimeException {

    public TaskFailure(String message) {
        super(message, null, false, false);
    }
}
