package dev.fleetplane.pvesim.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.pvesim.http.ApiResponse;
import dev.fleetplane.pvesim.http.RawRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FaultsTest {

    private final AtomicInteger handled = new AtomicInteger();
    private final Function<RawRequest, ApiResponse> api = r -> {
        handled.incrementAndGet();
        return ApiResponse.json(200, "OK", "{\"data\":\"UPID:pve:00001000:00000001:00000001:qmclone:9003:a@pve:\"}"
                .getBytes(StandardCharsets.UTF_8));
    };

    private static RawRequest request(String method, String path) {
        return new RawRequest(method, "/api2/json" + path, null, Map.of(), new byte[0], null);
    }

    @Test
    void operationOf_namesTheCallsTheFaultsTarget() {
        assertEquals("clone", Faults.operationOf("POST", "/nodes/pve/qemu/9003/clone"));
        assertEquals("config-write", Faults.operationOf("PUT", "/nodes/pve/qemu/111/config"));
        assertEquals("config-write", Faults.operationOf("POST", "/nodes/pve/qemu/111/config"));
        assertEquals("config-read", Faults.operationOf("GET", "/nodes/pve/qemu/111/config"));
        assertEquals("agent", Faults.operationOf("GET", "/nodes/pve/qemu/111/agent/network-get-interfaces"));
        assertEquals("task-status", Faults.operationOf("GET", "/nodes/pve/tasks/UPID:pve:1:2:3:qmstart:111:a@pve:/status"));
        assertEquals("delete", Faults.operationOf("DELETE", "/nodes/pve/qemu/111"));
        assertEquals("other", Faults.operationOf("GET", "/nodes"));
    }

    @Test
    void lockContention_failsTheNextNCallsWithProxmoxsLockTimeout_thenPassesThrough() {
        Function<RawRequest, ApiResponse> faulty = new Faults().lockContention("clone", 2).around(api);
        for (int i = 0; i < 2; i++) {
            ApiResponse r = faulty.apply(request("POST", "/nodes/pve/qemu/9003/clone"));
            assertEquals(500, r.status());
            assertEquals("can't lock file '/var/lock/qemu-server/lock-9003.conf' - got timeout", r.reason());
        }
        assertEquals(0, handled.get());
        assertEquals(200, faulty.apply(request("POST", "/nodes/pve/qemu/9003/clone")).status());
        assertEquals(200, faulty.apply(request("PUT", "/nodes/pve/qemu/9003/config")).status(), "other operations untouched");
        assertEquals(2, handled.get());
    }

    @Test
    void badAnswers_htmlTruncatedAndWrongType_areServedOnce() {
        Faults faults = new Faults().html("resources", 1).truncatedJson("clone", 1).wrongType("status", 1);
        Function<RawRequest, ApiResponse> faulty = faults.around(api);
        ApiResponse html = faulty.apply(request("GET", "/cluster/resources"));
        assertTrue(html.contentType().startsWith("text/html"), html.contentType());
        ApiResponse cut = faulty.apply(request("POST", "/nodes/pve/qemu/9003/clone"));
        String body = new String(cut.body(), StandardCharsets.UTF_8);
        assertTrue(body.startsWith("{\"data\":\"UPID") && !body.endsWith("}"), body);
        assertEquals("{\"data\":\"unexpected\"}",
                new String(faulty.apply(request("GET", "/nodes/pve/qemu/1/status/current")).body(), StandardCharsets.UTF_8));
        assertTrue(new String(faulty.apply(request("GET", "/cluster/resources")).body(), StandardCharsets.UTF_8)
                .endsWith("}"), "the second answer is whole");
        assertEquals(3, faults.injected());
    }

    @Test
    void ipChangeOnNetworkRestart_isOnByDefault_perVmOverridesAll_andClearRestoresTheDefault() {
        Faults faults = new Faults();
        assertTrue(faults.ipChangesOnNetworkRestart(150));
        faults.ipChangeOnNetworkRestart(false).ipChangeOnNetworkRestart(151, true);
        assertEquals(false, faults.ipChangesOnNetworkRestart(150));
        assertTrue(faults.ipChangesOnNetworkRestart(151));
        faults.ipChangeOnNetworkRestart(true);
        assertTrue(faults.ipChangesOnNetworkRestart(150), "the all-guests switch resets per-VM settings");
        faults.ipChangeOnNetworkRestart(150, false).clear();
        assertTrue(faults.ipChangesOnNetworkRestart(150));
    }

    @Test
    void agentNeverUp_andErrorRateOne_answerErrors() {
        Faults faults = new Faults().agentNeverUp(true).errorRate("start", 1.0);
        Function<RawRequest, ApiResponse> faulty = faults.around(api);
        ApiResponse agent = faulty.apply(request("GET", "/nodes/pve/qemu/111/agent/network-get-interfaces"));
        assertEquals(500, agent.status());
        assertEquals("QEMU guest agent is not running", agent.reason());
        assertEquals(503, faulty.apply(request("POST", "/nodes/pve/qemu/111/status/start")).status());
        faults.clear();
        assertEquals(200, faulty.apply(request("POST", "/nodes/pve/qemu/111/status/start")).status());
    }

    @Test
    void latencyAndStall_delayTheAnswer() {
        Function<RawRequest, ApiResponse> faulty = new Faults().latency("version", Duration.ofMillis(120))
                .stall("version", Duration.ofMillis(200), 1).around(api);
        long t0 = System.nanoTime();
        faulty.apply(request("GET", "/version"));
        long first = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        faulty.apply(request("GET", "/version"));
        long second = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(first >= 320, "latency + stall, took " + first + " ms");
        assertTrue(second >= 120 && second < 320, "latency only, took " + second + " ms");
    }

    @Test
    void failTaskOnRun_failsOnlyTheNthTaskOfThatType() {
        Faults faults = new Faults().failTaskOnRun("qmstart", 2);
        assertNull(faults.taskFailure("qmstart"));
        assertNull(faults.taskFailure("qmstop"));
        assertEquals("fault injected: qmstart failed on run 2", faults.taskFailure("qmstart"));
        assertNull(faults.taskFailure("qmstart"));
    }

    @Test
    void unknownOperation_isRejectedNamingTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Faults().html("clones", 1));
        assertTrue(e.getMessage().contains("unknown operation 'clones'") && e.getMessage().contains("config-write"),
                e.getMessage());
    }

    @Test
    void chaos_failsAboutItsShareOfCallsWithEachKind_andZeroClearsIt() {
        Faults faults = new Faults().chaos(0.2, Duration.ZERO);
        Function<RawRequest, ApiResponse> faulty = faults.around(api);
        int locks = 0;
        int unavailable = 0;
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            ApiResponse r = faulty.apply(request("POST", "/nodes/pve/qemu/9003/clone"));
            if (r.status() == 500 && r.reason().startsWith("can't lock file")) {
                locks++;
            } else if (r.status() == 503) {
                unavailable++;
            }
        }
        // Lock contention first (20 %), then 503 on what is left (20 % of 80 %): ±5 points for a seeded random.
        assertTrue(Math.abs(locks - 0.2 * n) < 0.05 * n, "lock contention " + locks + " of " + n);
        assertTrue(Math.abs(unavailable - 0.16 * n) < 0.05 * n, "503s " + unavailable + " of " + n);
        int failedTasks = 0;
        for (int i = 0; i < n; i++) {
            if (faults.taskFailure("qmstart") != null) {
                failedTasks++;
            }
        }
        assertTrue(Math.abs(failedTasks - 0.2 * n) < 0.05 * n, "failed tasks " + failedTasks + " of " + n);
        assertEquals("fault injected: qmclone failed", java.util.stream.Stream.generate(() -> faults.taskFailure("qmclone"))
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow());
        // Reads take no config lock: only 503s.
        for (int i = 0; i < 200; i++) {
            ApiResponse r = faulty.apply(request("GET", "/nodes/pve/qemu/9003/config"));
            assertTrue(r.status() == 200 || r.status() == 503, "a read got " + r.status() + " " + r.reason());
        }
        faults.chaos(0, Duration.ZERO);
        handled.set(0);
        for (int i = 0; i < 100; i++) {
            assertEquals(200, faulty.apply(request("POST", "/nodes/pve/qemu/9003/clone")).status());
            assertNull(faults.taskFailure("qmclone"));
        }
        assertEquals(100, handled.get());
    }

    @Test
    void rates_outside0To1_areRefusedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Faults().lockContentionRate("clone", 1.5));
        assertEquals("a fault rate must be within 0..1, got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Faults().taskFailureRate("*", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Faults().stallRate("nope", Duration.ZERO, 0.1));
    }
}
