package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.proxmox.client.PveException.Failure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskAndRetryTest {

    private static final Upid CLONE = Upid.parse("UPID:pve:00001ED0:00035693:66343A23:qmclone:9003:fleetplane@pve!adapter:");

    private static TaskStatus stopped(String exit) {
        return new TaskStatus(CLONE.value(), "pve", "qmclone", "9003", "fleetplane@pve", "adapter", "stopped", exit);
    }

    @Test
    void warnings_areSuccess() {
        TaskStatus s = stopped("WARNINGS: 2");
        assertSame(s, TaskWatch.judge(s, CLONE, "clone", List.of()));
    }

    @Test
    void failedTask_carriesExitStatusAndLogTail() {
        var e = assertThrows(PveException.class, () -> TaskWatch.judge(
                stopped("clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout"),
                CLONE, "clone", List.of("create full clone of drive scsi0", "TASK ERROR: clone failed")));
        assertEquals(Failure.TASK_FAILED, e.failure());
        assertEquals(CLONE.value(), e.upid());
        assertTrue(e.exitStatus().startsWith("clone failed"));
        assertEquals(2, e.logTail().size());
        assertTrue(e.getMessage().contains("TASK ERROR: clone failed"), e.getMessage());
    }

    @Test
    void missingExitStatus_isAFailure() {
        var e = assertThrows(PveException.class, () -> TaskWatch.judge(stopped(null), CLONE, "clone", List.of()));
        assertEquals("unexpected status", e.exitStatus());
    }

    @Test
    void retry_repeatsRetryableFailuresOnly() {
        RetryPolicy p = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4));
        AtomicInteger calls = new AtomicInteger();
        String out = p.run(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new PveException(Failure.LOCKED, "config-put", "u", 500, "can't lock file", Map.of(), "locked", null);
            }
            return "done";
        });
        assertEquals("done", out);
        assertEquals(3, calls.get());

        AtomicInteger denied = new AtomicInteger();
        assertThrows(PveException.class, () -> p.run(() -> {
            denied.incrementAndGet();
            throw new PveException(Failure.UNAUTHORIZED, "clone", "u", 401, "no", Map.of(), "no", null);
        }));
        assertEquals(1, denied.get());
    }

    @Test
    void retry_delayIsJitteredAndCapped() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300));
        for (int i = 0; i < 50; i++) {
            long d = p.delay(4).toMillis();
            assertTrue(d >= 150 && d <= 300, "delay " + d);
        }
    }

    @Test
    void connection_neverShowsItsSecret() {
        PveConnection c = PveConnection.of("https://pve.lan:8006/api2/json/", "fleetplane@pve!adapter",
                "0b7e1c2d-aaaa-bbbb-cccc-1234567890ab");
        assertFalse(c.toString().contains("0b7e1c2d"));
        assertEquals("https://pve.lan:8006/api2/json", c.baseUrl().toString());
        assertEquals("PVEAPIToken=fleetplane@pve!adapter=0b7e1c2d-aaaa-bbbb-cccc-1234567890ab", c.authorization());
        assertEquals("echo <secret>", c.redact("echo 0b7e1c2d-aaaa-bbbb-cccc-1234567890ab"));
    }

    @Test
    void connection_rejectsMalformedTokenIdAndUrl() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PveConnection.of("https://pve:8006/api2/json", "fleetplane@pve", "s"));
        assertTrue(e.getMessage().contains("user@realm!tokenname"));
        assertThrows(IllegalArgumentException.class, () -> PveConnection.of("pve:8006", "a@pve!t", "s"));
        assertThrows(IllegalArgumentException.class, () -> PveConnection.of("https://pve:8006/api2/json", "a@pve!t", " "));
    }

    @Test
    void linkedClone_withStorage_isRejectedBeforeAnyCall() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CloneRequest(111, "web-1", false, "local-lvm"));
        assertTrue(e.getMessage().contains("full clones"));
    }
}
