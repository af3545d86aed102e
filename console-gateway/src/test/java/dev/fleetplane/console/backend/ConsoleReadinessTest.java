package dev.fleetplane.console.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleReadinessTest {

    private static final ConsoleTarget WEB1 = new ConsoleTarget("web1", "pve", 101);

    @Test
    void aRunningVmWithASocketSerial0_canGiveAConsole() {
        assertEquals(Optional.empty(), ConsoleReadiness.refusal(WEB1, "running", "socket"));
    }

    @Test
    void aStoppedVm_isRefusedFirst_sayingHowToStartIt() {
        assertEquals(Optional.of("web1 (VM 101 on pve) is stopped: start it (qm start 101) to open its serial console"),
                ConsoleReadiness.refusal(WEB1, "stopped", null));
        assertEquals(Optional.of("web1 (VM 101 on pve) is not running: start it (qm start 101) to open its serial"
                + " console"), ConsoleReadiness.refusal(WEB1, "", "socket"));
    }

    @Test
    void noSerial0_orAnotherKind_isRefused_sayingToAddASocket() {
        assertEquals(Optional.of("web1 (VM 101 on pve) has no serial port: add serial0: socket (qm set 101 --serial0"
                + " socket) and restart the VM so QEMU opens it"), ConsoleReadiness.refusal(WEB1, "running", null));
        assertEquals(Optional.of("web1 (VM 101 on pve) has serial0: /dev/ttyS0, not a socket: set serial0: socket"
                + " (qm set 101 --serial0 socket) and restart the VM"),
                ConsoleReadiness.refusal(WEB1, "running", "/dev/ttyS0"));
    }
}
