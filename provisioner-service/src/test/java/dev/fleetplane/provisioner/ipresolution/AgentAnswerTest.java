package dev.fleetplane.provisioner.ipresolution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.pve.GuestAgentUnavailable;
import dev.fleetplane.events.pve.GuestNetworkReported;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentAnswerTest {

    @Test
    void reportWithChosenIp_isAUsableAddress() {
        AgentAnswer a = AgentAnswer.of(new GuestNetworkReported("pve1", 111, "10.0.0.5", List.of(), null));
        assertEquals("10.0.0.5", a.ip());
        assertNull(a.reason());
    }

    @Test
    void reportWithoutChosenIp_saysNoUsableAddressYetWithTheAdaptersNote() {
        AgentAnswer a = AgentAnswer.of(new GuestNetworkReported("pve1", 111, null, List.of(), "only link-local on ens18"));
        assertFalse(a.hasAddress());
        assertEquals("no usable address yet (only link-local on ens18)", a.reason());
    }

    @Test
    void reportWithGarbageAsChosenIp_isNotUsed() {
        AgentAnswer a = AgentAnswer.of(new GuestNetworkReported("pve1", 111, "10.0.0.5;reboot", List.of(), null));
        assertFalse(a.hasAddress());
        assertTrue(a.reason().contains("'10.0.0.5;reboot'"), a.reason());
    }

    @Test
    void unavailableReasons_areWordedForOperators() {
        assertEquals("guest agent not configured on the VM",
                AgentAnswer.of(new GuestAgentUnavailable("pve1", 111, "not-configured", null)).reason());
        assertEquals("guest agent not running: QEMU guest agent is not running",
                AgentAnswer.of(new GuestAgentUnavailable("pve1", 111, "not-running", "QEMU guest agent is not running")).reason());
        assertEquals("VM not running", AgentAnswer.of(new GuestAgentUnavailable("pve1", 111, "vm-not-running", "")).reason());
        assertEquals("guest agent unavailable (odd)", AgentAnswer.of(new GuestAgentUnavailable("pve1", 111, "odd", null)).reason());
    }

    @Test
    void ipLiteral_acceptsV4AndV6AndNothingElse() {
        assertTrue(IpLiteral.isValid("192.168.1.12"));
        assertTrue(IpLiteral.isValid("fe80::1"));
        assertTrue(IpLiteral.isValid("::ffff:10.0.0.1"));
        for (String bad : List.of("01.2.3.4x", "1.2.3", "localhost", "abcd", "1.2.3.4 ", "fe80::1%eth0", "[::1]")) {
            assertFalse(IpLiteral.isValid(bad), bad);
        }
    }
}
