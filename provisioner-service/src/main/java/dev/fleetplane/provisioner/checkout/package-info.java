/**
 * Rebuild from the operator's checkout (issue #10): the provisioner runs
 * {@code nixos-rebuild switch --flake <checkout>#<host> --target-host <user>@<ip>} on its own machine, as the seed's
 * {@code post-provision.sh} does from the operator's clone, and keeps the host's {@code hardware-configuration.nix} in
 * that clone ({@code git add}ed, so the flake sees it; never committed).
 *
 * <p>Pure pieces ({@link dev.fleetplane.provisioner.checkout.CheckoutCommand} the argument list,
 * {@link dev.fleetplane.provisioner.checkout.CheckoutSsh} the SSH config and known_hosts the local process gets,
 * {@link dev.fleetplane.provisioner.checkout.SwitchDrop} how a dropped connection shows in its output,
 * {@link dev.fleetplane.provisioner.checkout.HardwareConfigPath} where the file goes) are unit-tested; the I/O is in
 * {@link dev.fleetplane.provisioner.checkout.OperatorCheckout} (git) and
 * {@link dev.fleetplane.provisioner.checkout.LocalRebuild} (the process). Decisions: the local SSH verifies the host
 * key pinned in fleetplane's table (a known_hosts file of one line, {@code StrictHostKeyChecking yes}, keyed by host
 * name through {@code HostKeyAlias} as the pin is), never trusting on its own; the options reach nixos-rebuild as
 * {@code NIX_SSHOPTS=-F <file>}, because nixos-rebuild splits {@code NIX_SSHOPTS} on blanks and an identity path may
 * hold one; git is the real {@code git} CLI, one call at a time per provisioner (its index lock).
 */
package dev.fleetplane.provisioner.checkout;
