package dev.fleetplane.plancore.plan;

/**
 * What fleetplane already manages for one host of a fleet: its VM and how it came to be managed.
 *
 * @param adopted      the VM existed before fleetplane (adopted or imported): it is never destroyed
 * @param allowDestroy the host's own {@code proxmox.allowDestroy} when it was last applied
 * @param readonly     the host was {@code readonly} when it was last applied: never destroyed
 */
public record ManagedHost(int vmid, boolean adopted, boolean allowDestroy, boolean readonly) {

    public static ManagedHost created(int vmid) {
        return new ManagedHost(vmid, false, false, false);
    }

    public static ManagedHost adopted(int vmid) {
        return new ManagedHost(vmid, true, false, false);
    }
}
