package dev.fleetplane.planner.lifecycle;

/** What the reconciler needs from the spec to drive one host, captured when its plan was applied. */
public record HostDesired(String vmName, int cores, int memoryMb, String disk, String storage, int templateVmid,
                          String user, String rebuildCommand) {
}
