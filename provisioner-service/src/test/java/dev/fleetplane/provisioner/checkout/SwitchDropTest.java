package dev.fleetplane.provisioner.checkout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SwitchDropTest {

    @Test
    void sshGivingUpOnASilentTarget_isADroppedConnection() {
        List<String> tail = List.of("activating the configuration...", "restarting the following units:"
                + " systemd-networkd.service", "Timeout, server 10.31.7.5 not responding.",
                "warning: error(s) occurred while switching to the new configuration");
        assertEquals(Optional.of("Timeout, server 10.31.7.5 not responding."), SwitchDrop.in(tail));
    }

    @Test
    void otherWordsOfADyingConnection_areRecognised() {
        for (String line : List.of("Connection to 10.0.0.5 closed by remote host.",
                "client_loop: send disconnect: Broken pipe",
                "packet_write_wait: Connection to 10.0.0.5 port 22: Broken pipe",
                "Read from remote host 10.0.0.5: Connection reset by peer",
                "Connection reset by 10.0.0.5 port 22")) {
            assertEquals(Optional.of(line), SwitchDrop.in(List.of("building...", line, "error: exit 255")), line);
        }
    }

    @Test
    void aFailedBuild_orAConnectionNeverMade_isNot() {
        assertEquals(Optional.empty(), SwitchDrop.in(List.of("building the system configuration...",
                "error: attribute 'nixosConfigurations.web1' missing")));
        assertEquals(Optional.empty(), SwitchDrop.in(List.of("ssh: connect to host 10.0.0.5 port 22: Connection"
                + " refused")));
        assertEquals(Optional.empty(), SwitchDrop.in(List.of("Host key verification failed.")));
    }

    @Test
    void onlyTheLastLinesCount() {
        List<String> tail = new java.util.ArrayList<>(List.of("Timeout, server 10.0.0.5 not responding."));
        for (int i = 0; i < SwitchDrop.LAST_LINES; i++) {
            tail.add("building '/nix/store/" + i + "-x.drv'...");
        }
        assertEquals(Optional.empty(), SwitchDrop.in(tail));
    }
}
