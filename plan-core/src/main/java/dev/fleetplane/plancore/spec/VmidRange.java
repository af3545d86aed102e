package dev.fleetplane.plancore.spec;

/**
 * The VMIDs hosts may use ({@code _fleetplane.vmidRange = [ first last ]}), both ends included. The default is the
 * seed workflow's: VMs at 100-8999, templates from 9000 up, so a host can never take a template's VMID by accident.
 * The template itself ({@code _proxmox.templateVmid}) is not bound by it.
 */
public record VmidRange(int first, int last) {

    /** The seed's range: its schema tests accept VMIDs 100-8999 for VMs. */
    public static final VmidRange DEFAULT = new VmidRange(100, 8999);

    public boolean contains(int vmid) {
        return vmid >= first && vmid <= last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
