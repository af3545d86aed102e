/**
 * Integration of a provisioned host (issue #5 point 7): from its {@code /etc/ssh/ssh_host_ed25519_key.pub} to the age
 * recipient sops-nix decrypts with ({@link dev.fleetplane.provisioner.integrate.AgeRecipient}, identical to
 * {@code ssh-to-age}), the lines a user commits to hosts.nix and {@code .sops.yaml}
 * ({@link dev.fleetplane.provisioner.integrate.IntegrationSnippets}), and the optional Tailscale enrolment
 * ({@link dev.fleetplane.provisioner.integrate.TailscaleEnrolment} mints a key,
 * {@link dev.fleetplane.provisioner.integrate.TailscaleUp} is the guest command that uses it).
 *
 * <p>Plain classes with no CDI, Kafka or SQL: the saga builds them from its config and does the I/O around them.
 * Decisions: the ed25519-to-X25519 map and Bech32 are hand-written (no maintained Java library does either for public
 * keys; see the class headers) and checked against ssh-to-age's published outputs and an independent JDK derivation;
 * secrets travel only as {@link dev.fleetplane.provisioner.integrate.Secret}, which prints {@code <redacted>}; the auth
 * key reaches {@code tailscale up} on stdin ({@code --auth-key=file:/dev/stdin}), never in argv or the environment.
 */
package dev.fleetplane.provisioner.integrate;
