package dev.fleetplane.events.provisioning;

/**
 * Command: take a started VM to an integrated NixOS host.
 *
 * @param user           the admin user to log in as (root until the first rebuild disables it)
 * @param rebuildCommand the command run on the guest; {@code {host}}, {@code {ip}} and {@code {user}} are filled in
 */
public record ProvisionHost(String host, String node, int vmid, String user, String rebuildCommand) {
}
