package dev.fleetplane.events.provisioning;

import java.util.List;

/**
 * The host's SSH host key, read from {@code /etc/ssh/ssh_host_ed25519_key.pub} after the switch, and what a user
 * commits for it.
 *
 * @param publicKey    {@code ssh-ed25519 AAAA…} (no comment)
 * @param fingerprint  {@code SHA256:…}, as {@code ssh-keygen -lf} prints it
 * @param ageRecipient the age recipient of the key, as {@code ssh-to-age} prints it
 * @param hostsNix     the line for {@code hosts.nix}
 * @param sopsYaml     the lines for {@code .sops.yaml}
 */
public record HostKeyDiscovered(String host, int vmid, String publicKey, String fingerprint, String ageRecipient,
                                String hostsNix, List<String> sopsYaml) {
}
