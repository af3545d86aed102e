package dev.fleetplane.proxmox.client;

import dev.fleetplane.proxmox.client.PveException.Failure;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vncwebsocket} (reference §5.3) through {@link ProxmoxClient#vncWebSocket} against the HTTPS simulator: the
 * upgrade with a ticket cookie or a token header, bytes both ways, a refused VNC ticket (403), a refused API login
 * (401), the server ending the socket; never a ticket in a message.
 */
@QuarkusTest
class ConsoleSocketIT {

    private static final String TOKEN = "fleetplane@pve!console";
    private static final String SECRET = "3b1d2e3f-aaaa-4bbb-8ccc-0123456789ab";
    private static final String USER = "console@pve";
    private static final String PASSWORD = "console-password-42";

    private static PveSimulator sim;
    private static Path caFile;

    @BeforeAll
    static void start() throws Exception {
        sim = PveSimulator.builder().https(true).apiToken(TOKEN, SECRET).user(USER, PASSWORD)
                .seed(SeedVm.vm(110, "dev").running(), SeedVm.vm(111, "other").running())
                .build().start();
        caFile = Files.createTempFile("fleetplane-pve-ca-", ".pem");
        Files.writeString(caFile, sim.certificatePem());
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        Files.deleteIfExists(caFile);
    }

    /** Collects what the socket delivers and how it ended. */
    static final class Received implements PveConsoleSocket.Listener {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final AtomicInteger closings = new AtomicInteger();
        volatile boolean byServer;

        @Override
        public synchronized void onMessage(byte[] data) {
            bytes.write(data, 0, data.length);
            notifyAll();
        }

        @Override
        public void onClosed(String reason, boolean byServer) {
            this.byServer = byServer;
            closings.incrementAndGet();
            closed.complete(reason);
        }

        synchronized String await(String text) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!bytes.toString(StandardCharsets.UTF_8).contains(text)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("no '" + text + "' in " + bytes.toString(StandardCharsets.UTF_8));
                }
                wait(left);
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTicketLogin_opensTheSocket_bytesFlowBothWays_andResizeReachesTermproxy() throws Exception {
        try (ProxmoxClient pve = ProxmoxClient.connect(PveConnection.withPassword(sim.url(), USER, PASSWORD)
                .fingerprint(sim.fingerprint()))) {
            TermProxy proxy = pve.termproxy("pve", 110, "serial0");
            Received r = new Received();
            PveConsoleSocket socket = pve.vncWebSocket("pve", 110, proxy, r);
            assertTrue(socket.isOpen());
            assertFalse(socket.toString().contains(proxy.ticket()), socket.toString());
            socket.send(ascii(proxy.user() + ":" + proxy.ticket() + "\n"));
            assertTrue(r.await("serial0\r\n").startsWith("OKstarting serial terminal on interface serial0\r\n"));
            socket.send(ascii("1:132:43:"));
            socket.send(ascii("0:1:\r"));
            r.await("dev login: ");
            assertTrue(pve.taskLog(proxy.upid(), 0, 0).texts().contains("resize 132x43"),
                    pve.taskLog(proxy.upid(), 0, 0).texts().toString());
            socket.close();
            assertEquals("closed by the client", r.closed.get(10, TimeUnit.SECONDS));
            assertFalse(r.byServer);
            socket.close();
            socket.send(ascii("0:1:x"));
            assertEquals(1, r.closings.get(), "onClosed once");
            assertFalse(socket.isOpen());
        }
    }

    @Test
    void aConsoleOpenedAfterTheLoginTicketExpired_logsInAgainAndOpens() throws Exception {
        try (PveSimulator shortLived = PveSimulator.builder().https(true).user(USER, PASSWORD)
                .ticketLifetime(java.time.Duration.ofSeconds(1)).seed(SeedVm.vm(110, "dev").running()).build().start();
             ProxmoxClient pve = ProxmoxClient.connect(PveConnection.withPassword(shortLived.url(), USER, PASSWORD)
                     .fingerprint(shortLived.fingerprint()))) {
            pve.termproxy("pve", 110, "serial0"); // logs in: a ticket that lives one second
            long logins = shortLived.requestCount("POST /access/ticket");
            Thread.sleep(2500); // past the ticket's life (its time is whole seconds); what follows must succeed
            TermProxy proxy = pve.termproxy("pve", 110, "serial0");
            Received r = new Received();
            PveConsoleSocket socket = pve.vncWebSocket("pve", 110, proxy, r);
            socket.send(ascii(proxy.user() + ":" + proxy.ticket() + "\n"));
            r.await("OKstarting serial terminal");
            socket.close();
            assertTrue(shortLived.requestCount("POST /access/ticket") > logins,
                    "the expired ticket was replaced by a new login: " + shortLived.requestCounts());
        }
    }

    @Test
    void aTokenHeader_andACaFile_openTheSocketToo() throws Exception {
        try (ProxmoxClient pve = ProxmoxClient.connect(PveConnection.of(sim.url(), TOKEN, SECRET).caFile(caFile))) {
            TermProxy proxy = pve.termproxy("pve", 111, "serial0");
            Received r = new Received();
            PveConsoleSocket socket = pve.vncWebSocket("pve", 111, proxy, r);
            socket.send(ascii(proxy.user() + ":" + proxy.ticket() + "\n"));
            assertTrue(r.await("serial0\r\n").startsWith("OK"));
            socket.close();
        }
    }

    @Test
    void aVncTicketForAnotherPort_isForbidden_andTheMessageHidesTheTickets() throws Exception {
        try (ProxmoxClient pve = ProxmoxClient.connect(PveConnection.withPassword(sim.url(), USER, PASSWORD)
                .fingerprint(sim.fingerprint()))) {
            TermProxy proxy = pve.termproxy("pve", 110, "serial0");
            TermProxy wrongPort = new TermProxy(proxy.user(), proxy.ticket(), proxy.port() == 5999 ? 5998
                    : proxy.port() + 1, proxy.upid());
            Received r = new Received();
            PveException e = assertThrows(PveException.class, () -> pve.vncWebSocket("pve", 110, wrongPort, r));
            assertEquals(Failure.FORBIDDEN, e.failure());
            assertEquals(403, e.httpStatus());
            assertTrue(e.getMessage().contains("/nodes/pve/qemu/110/vncwebsocket?port=" + wrongPort.port()
                    + "&vncticket=<hidden> answered 403"), e.getMessage());
            assertTrue(e.getMessage().contains("VNC ticket"), e.getMessage());
            assertFalse(e.getMessage().contains(proxy.ticket().substring(7, 15)), e.getMessage());
            assertEquals(0, r.closings.get(), "a socket that never opened is never closed");
        }
    }

    @Test
    void aRefusedApiLogin_onTheUpgrade_isUnauthorized_withoutTheSecret() throws Exception {
        TermProxy proxy;
        try (ProxmoxClient good = ProxmoxClient.connect(PveConnection.of(sim.url(), TOKEN, SECRET)
                .fingerprint(sim.fingerprint()))) {
            proxy = good.termproxy("pve", 110, "serial0");
        }
        String wrong = "00000000-0000-4000-8000-000000000000";
        try (ProxmoxClient bad = ProxmoxClient.connect(PveConnection.of(sim.url(), TOKEN, wrong)
                .fingerprint(sim.fingerprint()))) {
            PveException e = assertThrows(PveException.class, () -> bad.vncWebSocket("pve", 110, proxy, new Received()));
            assertEquals(Failure.UNAUTHORIZED, e.failure());
            assertTrue(e.getMessage().contains("answered 401") && e.getMessage().contains(TOKEN), e.getMessage());
            assertFalse(e.getMessage().contains(wrong), e.getMessage());
        }
    }

    @Test
    void theServerEndingTheSession_closesTheSocket_byServer() throws Exception {
        try (ProxmoxClient pve = ProxmoxClient.connect(PveConnection.of(sim.url(), TOKEN, SECRET).insecure(true))) {
            TermProxy proxy = pve.termproxy("pve", 111, "serial0");
            Received r = new Received();
            PveConsoleSocket socket = pve.vncWebSocket("pve", 111, proxy, r);
            socket.send(ascii(proxy.user() + ":" + proxy.ticket() + "\n"));
            r.await("serial0\r\n");
            assertEquals(1, sim.hangUpSerial(111));
            String reason = r.closed.get(10, TimeUnit.SECONDS);
            assertTrue(r.byServer, reason);
            assertFalse(socket.isOpen());
            socket.close();
            assertEquals(1, r.closings.get());
        }
    }
}
