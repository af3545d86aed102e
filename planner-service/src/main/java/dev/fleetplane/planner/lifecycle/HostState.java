package dev.fleetplane.planner.lifecycle;

/** Where a managed host is on its way to Ready. */
public enum HostState {
    Cloning, Configuring, Starting, Provisioning, Ready, Adopted, Failed;

    /** A step is running: a command is out and its answer (or failure) is awaited. */
    public boolean inFlight() {
        return this == Cloning || this == Configuring || this == Starting || this == Provisioning;
    }
}
