package dev.fleetplane.cli;

/** Where VMIDs are free: Proxmox, through the running proxmox-adapter ({@link AdapterVmids}), or a fake in tests. */
interface VmidSource {

    /** Proxmox's next free VMID ({@code /cluster/nextid}). */
    int next();

    /** Whether Proxmox has no guest with this VMID ({@code /cluster/nextid?vmid=N}). */
    boolean isFree(int vmid);
}
