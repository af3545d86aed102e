package dev.fleetplane.adapter.task;

/**
 * Rows whose Proxmox task is not started yet (a create waiting for a slot of its node and storage): the queue that
 * stored them starts them when the poller comes by. Declared here, implemented by the clone queue, so the poller
 * knows no queue.
 */
public interface TaskDispatch {

    /** True for the operations of rows this dispatch moves on (e.g. {@code clone-queued}). */
    boolean dispatches(String operation);

    /** Moves the row on; true when that was progress (dispatched, answered, taken over). */
    boolean advance(PendingTask task);
}
