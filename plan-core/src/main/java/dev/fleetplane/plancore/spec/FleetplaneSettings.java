package dev.fleetplane.plancore.spec;

import java.util.Optional;

/**
 * The optional {@code _fleetplane} block: fleet-wide behaviour of fleetplane itself.
 *
 * @param allowDestroy hosts removed from the spec may have their VMs destroyed (else they are forgotten)
 * @param vmidRange    the VMIDs hosts may use ({@code vmidRange = [ 100 8999 ]}, the default)
 */
public record FleetplaneSettings(Optional<Boolean> autoApprove, String flake, Optional<String> rebuildCommand,
                                 boolean allowDestroy, VmidRange vmidRange) {

    /** Where the guests' NixOS flake lives when the file does not say. */
    public static final String DEFAULT_FLAKE = "/etc/nixos";
    public static final String DEFAULT_REBUILD = "nixos-rebuild switch --flake {flake}#{host}";

    public FleetplaneSettings(Optional<Boolean> autoApprove, String flake, Optional<String> rebuildCommand) {
        this(autoApprove, flake, rebuildCommand, false);
    }

    public FleetplaneSettings(Optional<Boolean> autoApprove, String flake, Optional<String> rebuildCommand,
                              boolean allowDestroy) {
        this(autoApprove, flake, rebuildCommand, allowDestroy, VmidRange.DEFAULT);
    }

    public static FleetplaneSettings defaults() {
        return new FleetplaneSettings(Optional.empty(), DEFAULT_FLAKE, Optional.empty(), false, VmidRange.DEFAULT);
    }
}
