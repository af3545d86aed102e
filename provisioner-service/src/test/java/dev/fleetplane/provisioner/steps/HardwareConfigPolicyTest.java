package dev.fleetplane.provisioner.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HardwareConfigPolicyTest {

    private static final String OLD = "{ ... }:\n{\n  boot.initrd.availableKernelModules = [ \"virtio_pci\" ];\n"
            + "  fileSystems.\"/\" = { device = \"/dev/disk/by-label/nixos\"; fsType = \"ext4\"; };\n}\n";
    private static final String NEW = OLD.replace("[ \"virtio_pci\" ]", "[ \"virtio_pci\" \"virtio_scsi\" ]");

    @Test
    void firstGeneration_isStoredWithoutADiff_underEveryPolicy() {
        for (String policy : HardwareConfigPolicy.POLICIES) {
            HardwareConfigPolicy.Decision d = HardwareConfigPolicy.decide(policy, Optional.empty(), OLD, "web");
            assertEquals(new HardwareConfigPolicy.Decision("stored", true, ""), d, policy);
        }
    }

    @Test
    void changedGeneration_isReplacedOrKept_byPolicy_andTheDiffShowsTheChange() {
        HardwareConfigPolicy.Decision keep = HardwareConfigPolicy.decide("keep", Optional.of(OLD), NEW, "web");
        HardwareConfigPolicy.Decision replace = HardwareConfigPolicy.decide("replace-if-changed", Optional.of(OLD), NEW,
                "web");

        assertEquals("kept", keep.action());
        assertFalse(keep.store());
        assertEquals("replaced", replace.action());
        assertTrue(replace.store());
        assertEquals(keep.diff(), replace.diff());
        assertTrue(replace.diff().startsWith("--- a/hosts/web/hardware-configuration.nix\n"
                + "+++ b/hosts/web/hardware-configuration.nix\n@@ "), replace.diff());
        assertTrue(replace.diff().contains("\n-  boot.initrd.availableKernelModules = [ \"virtio_pci\" ];\n"
                + "+  boot.initrd.availableKernelModules = [ \"virtio_pci\" \"virtio_scsi\" ];\n"), replace.diff());
    }

    @Test
    void unchangedGeneration_isRewrittenOnlyUnderAlways() {
        assertEquals(new HardwareConfigPolicy.Decision("unchanged", false, ""),
                HardwareConfigPolicy.decide("replace-if-changed", Optional.of(OLD), OLD, "web"));
        assertEquals(new HardwareConfigPolicy.Decision("unchanged", true, ""),
                HardwareConfigPolicy.decide("always", Optional.of(OLD), OLD, "web"));
    }

    @Test
    void unknownPolicy_isRefusedNamingTheSettingAndTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HardwareConfigPolicy.decide("overwrite", Optional.empty(), OLD, "web"));
        assertEquals("fleetplane.provisioner.hardware-config.policy = 'overwrite' is not one of"
                + " [keep, replace-if-changed, always]", e.getMessage());
    }
}
