package dev.fleetplane.provisioner.checkout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HardwareConfigPathTest {

    @Test
    void theHostNameIsFilledIn() {
        assertEquals("hosts/web1/hardware-configuration.nix",
                HardwareConfigPath.of("hosts/{host}/hardware-configuration.nix", "web1"));
        assertEquals("machines/db.lan/hardware.nix", HardwareConfigPath.of("./machines/{host}/hardware.nix", "db.lan"));
    }

    @Test
    void aPathOutsideTheCheckout_orNotANixFile_orAnUnknownPlaceholder_isRefusedNamingTheSetting() {
        for (String template : new String[] {"/etc/nixos/{host}.nix", "../other/{host}.nix", "hosts/{host}/hw.txt",
                "hosts/{name}/hardware-configuration.nix", " "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HardwareConfigPath.of(template, "web1"), template);
            assertTrue(e.getMessage().startsWith("fleetplane.provisioner.checkout.hardware-config-path"),
                    e.getMessage());
        }
    }

    @Test
    void aHostNameThatIsNoLabel_isRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> HardwareConfigPath.of("hosts/{host}/hardware-configuration.nix", "../../etc"));
    }
}
