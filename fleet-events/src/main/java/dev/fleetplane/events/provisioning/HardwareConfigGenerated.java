package dev.fleetplane.events.provisioning;

/**
 * {@code nixos-generate-config --show-hardware-config} ran on the guest.
 *
 * @param action  {@code stored} (first one), {@code unchanged}, {@code replaced} or {@code kept} (a different one was
 *                generated, the policy kept the stored one)
 * @param policy  {@code keep}, {@code replace-if-changed} or {@code always}
 * @param content the generated file (what the host's {@code hardware-configuration.nix} should hold)
 * @param diff    a unified diff from the stored file to the generated one; empty when they are equal or on first store
 * @param path    where the file is in the operator's checkout (relative to it, {@code git add}ed there), when the
 *                provisioner rebuilds from a checkout; null when fleetplane keeps it only in its own table (and in
 *                events of v1 written before this field existed)
 */
public record HardwareConfigGenerated(String host, int vmid, String action, String policy, String sha256,
                                      String content, String diff, String path) {

    public HardwareConfigGenerated(String host, int vmid, String action, String policy, String sha256, String content,
                                   String diff) {
        this(host, vmid, action, policy, sha256, content, diff, null);
    }
}
