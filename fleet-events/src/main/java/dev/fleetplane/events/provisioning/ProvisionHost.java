package dev.fleetplane.events.provisioning;

/**
 * Command: take a started VM to an integrated NixOS host.
 *
 * @param user           the admin user fleetplane logs in as once the first rebuild has disabled root login
 * @param rebuildCommand the command run on the guest; {@code {host}}, {@code {ip}} and {@code {user}} are filled in
 * @param newVm          the VM was just created (cloned) by the plan: a host key different from the one pinned for
 *                       this host name is expected, and the old pin is dropped; null or false: a changed key is refused
 */
public record ProvisionHost(String host, String node, int vmid, String user, String rebuildCommand, Boolean newVm) {

    public ProvisionHost(String host, String node, int vmid, String user, String rebuildCommand) {
        this(host, node, vmid, user, rebuildCommand, null);
    }

    public boolean isNewVm() {
        return Boolean.TRUE.equals(newVm);
    }
}
