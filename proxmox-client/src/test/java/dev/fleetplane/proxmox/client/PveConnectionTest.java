package dev.fleetplane.proxmox.client;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PveConnectionTest {

    private static final String URL = "https://pve.lan:8006/api2/json";
    private static final String FP =
            "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    @Test
    void fingerprint_isNormalisedToProxmoxColonHex() {
        PveConnection c = PveConnection.of(URL, "a@pve!t", "s").fingerprint(FP.replace(":", "").toLowerCase());
        assertEquals(FP, c.fingerprint());
        assertEquals(FP, PveConnection.of(URL, "a@pve!t", "s").fingerprint(" " + FP.toLowerCase() + " ").fingerprint());
    }

    @Test
    void malformedFingerprint_isRejectedSayingTheExpectedForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PveConnection.of(URL, "a@pve!t", "s").fingerprint("AB:CD"));
        assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("'AB:CD'"), e.getMessage());
    }

    @Test
    void twoTrustModes_areRejectedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PveConnection.of(URL, "a@pve!t", "s").fingerprint(FP).insecure(true));
        assertTrue(e.getMessage().contains("fingerprint") && e.getMessage().contains("insecure"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PveConnection.of(URL, "a@pve!t", "s").caFile(Path.of("/etc/pve/pve-root-ca.pem")).fingerprint(FP));
    }

    @Test
    void ticketLogin_needsUserAtRealmAndAPassword_andNeverShowsThePassword() {
        PveConnection c = PveConnection.withPassword(URL, "root@pam", "hunter2-long");
        assertTrue(c.ticketLogin());
        assertEquals("root@pam", c.principal());
        assertFalse(c.toString().contains("hunter2-long"));
        assertEquals("login <secret>", c.redact("login hunter2-long"));
        assertThrows(IllegalStateException.class, c::authorization);
        assertThrows(IllegalArgumentException.class, () -> PveConnection.withPassword(URL, "root", "pw"));
        assertThrows(IllegalArgumentException.class, () -> PveConnection.withPassword(URL, "root@pam", " "));
    }

    @Test
    void ticketRenewal_mustComeBeforeTheTwoHourExpiry() {
        PveConnection c = PveConnection.withPassword(URL, "root@pam", "pw");
        assertEquals(Duration.ofHours(1), c.ticketRenewAfter());
        assertThrows(IllegalArgumentException.class, () -> c.ticketRenewAfter(Duration.ofHours(2)));
    }

    @Test
    void tokenAndPassword_together_areRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PveConnection(java.net.URI.create(URL), "a@pve!t", "s",
                false, null, null, "root@pam", "pw", null, null, null));
    }
}
