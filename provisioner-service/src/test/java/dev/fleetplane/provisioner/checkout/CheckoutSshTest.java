package dev.fleetplane.provisioner.checkout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.provisioner.ssh.HostKey;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CheckoutSshTest {

    private static final HostKey PINNED = new HostKey("ssh-ed25519", "SHA256:abc",
            "AAAAC3NzaC1lZDI1NTE5AAAAIOmlWsh0v6vkHSBaWBNsFjNiBB/xpYhMpF3rVT8Yd+Hv");

    @Test
    void knownHosts_holdsThePinnedKeyUnderTheHostName() {
        assertEquals("web1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOmlWsh0v6vkHSBaWBNsFjNiBB/xpYhMpF3rVT8Yd+Hv\n",
                CheckoutSsh.knownHosts("web1", PINNED));
    }

    @Test
    void config_checksThePinStrictly_withTheFleetIdentity_andNeverPrompts() {
        String config = CheckoutSsh.config("web1", Path.of("/tmp/fleetplane-ssh-1/known_hosts"),
                Path.of("/etc/fleetplane/id 100%"), 2222, Duration.ofSeconds(10), Duration.ofSeconds(5));

        assertTrue(config.contains("\n  HostKeyAlias web1\n"), config);
        assertTrue(config.contains("\n  UserKnownHostsFile \"/tmp/fleetplane-ssh-1/known_hosts\"\n"), config);
        assertTrue(config.contains("\n  GlobalKnownHostsFile /dev/null\n"), config);
        assertTrue(config.contains("\n  StrictHostKeyChecking yes\n"), config);
        assertTrue(config.contains("\n  IdentityFile \"/etc/fleetplane/id 100%%\"\n"), "blank quoted, % doubled");
        assertTrue(config.contains("\n  IdentitiesOnly yes\n  BatchMode yes\n  Port 2222\n  ConnectTimeout 10\n"
                + "  ServerAliveInterval 5\n  ServerAliveCountMax 3\n"), config);
        assertTrue(!config.contains("StrictHostKeyChecking no") && !config.contains("accept-new"), config);
    }

    @Test
    void nixSshOpts_isOnlyTheConfigFile() {
        assertEquals("-F /tmp/fleetplane-ssh-1/ssh_config",
                CheckoutSsh.nixSshOpts(Path.of("/tmp/fleetplane-ssh-1/ssh_config")));
    }

    @Test
    void anIdentityPathAnSshConfigCannotCarry_isRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckoutSsh.config("web1",
                Path.of("/tmp/k"), Path.of("/keys/\"odd\""), 22, Duration.ofSeconds(10), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().startsWith("fleetplane.provisioner.ssh.identity-file /keys/\"odd\""), e.getMessage());
    }
}
