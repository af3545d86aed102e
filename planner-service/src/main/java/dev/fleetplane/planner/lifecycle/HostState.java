package dev.fleetplane.planner.lifecycle;

import java.util.EnumSet;
import java.util.Set;

/** Where a managed host is in its lifecycle: waiting, running one step of a plan, settled, or failed. */
public enum HostState {
    /** An applied plan has work for the host; it waits for a free slot ({@code fleetplane.planner.apply.max-parallel}). */
    Pending,
    Cloning, Configuring, Starting, Provisioning,
    /** Update in place: {@code ConfigureVm} with the changed keys. */
    Updating,
    /** Disk growth: {@code ResizeDisk}. */
    Resizing,
    Stopping, Destroying,
    /** Created and provisioned by fleetplane, matching the spec its plan was computed from. */
    Ready,
    /** Taken into state as it was found (imported): never cloned or provisioned by fleetplane. */
    Adopted,
    /** A computed (not yet applied) plan would change the host: it no longer matches the desired state. */
    Drifted,
    /** Destroyed, or forgotten (left in Proxmox, no longer managed). */
    Gone,
    /** A step failed; {@code step} and {@code reason} say which and why. */
    Failed;

    private static final Set<HostState> IN_FLIGHT =
            EnumSet.of(Cloning, Configuring, Starting, Provisioning, Updating, Resizing, Stopping, Destroying);
    private static final Set<HostState> SETTLED = EnumSet.of(Ready, Adopted, Drifted, Gone, Failed);

    /** A step is running: a command is out and its answer (or failure) is awaited. */
    public boolean inFlight() {
        return IN_FLIGHT.contains(this);
    }

    /** Nothing runs and nothing waits: a new plan may take the host. */
    public boolean settled() {
        return SETTLED.contains(this);
    }
}
