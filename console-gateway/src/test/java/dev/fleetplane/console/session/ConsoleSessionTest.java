package dev.fleetplane.console.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.console.backend.BackendException;
import dev.fleetplane.console.backend.ConsoleTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One VM's shared console through {@link SessionHub}: viewers, the keyboard, scrollback, reconnects, timeouts. */
class ConsoleSessionTest {

    private static final ConsoleTarget WEB = new ConsoleTarget("web", "pve", 101);

    private final FakeBackend backend = new FakeBackend();
    private final Audit audit = new Audit();
    private SessionHub hub = hub(Duration.ofMinutes(15), Duration.ofSeconds(30));

    /** What the audit hears, in order. */
    static final class Audit implements SessionListener {
        final List<ViewerRecord> opened = new CopyOnWriteArrayList<>();
        final List<ViewerRecord> closed = new CopyOnWriteArrayList<>();
        final List<String> inputs = new CopyOnWriteArrayList<>();
        final CountDownLatch consoleClosed = new CountDownLatch(1);
        volatile String closeReason;

        @Override
        public void viewerOpened(ConsoleSession session, ViewerRecord viewer) {
            opened.add(viewer);
        }

        @Override
        public void viewerClosed(ConsoleSession session, ViewerRecord viewer) {
            closed.add(viewer);
        }

        @Override
        public void input(ConsoleSession session, String operator, byte[] bytes) {
            inputs.add(operator + ":" + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void output(ConsoleSession session, byte[] bytes) {
        }

        @Override
        public void closed(ConsoleSession session, String reason) {
            closeReason = reason;
            consoleClosed.countDown();
        }
    }

    private SessionHub hub(Duration idle, Duration linger) {
        return new SessionHub(backend, new ConsoleSession.Settings(64, idle, linger,
                new ReconnectPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)), Duration.ofSeconds(5)),
                audit, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void viewersShareOneLine_theFirstWriterHasTheKeyboard_aLateJoinerGetsTheScrollback() throws Exception {
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        ConsoleSession s = hub.attach(WEB, alice, 120, 40);
        assertEquals(1, backend.lines.size());
        assertEquals(List.of("120x40"), backend.last().sizes);
        backend.last().vmWrites("web login: ");
        RecordingViewer bob = new RecordingViewer("b", "bob", true);
        assertSame(s, hub.attach(WEB, bob, 80, 24));
        assertEquals(1, backend.lines.size(), "a second viewer shares the line");
        backend.last().vmWrites("root\r\n");

        assertEquals("web login: root\r\n", alice.text());
        assertEquals("web login: root\r\n", bob.text(), "scrollback, then live output");
        ServerMessage.Welcome welcome = bob.all(ServerMessage.Welcome.class).get(0);
        assertEquals(List.of("b", "web", 101, "pve", "fake", "bob", "write"), List.of(welcome.session(), welcome.host(),
                welcome.vmid(), welcome.node(), welcome.backend(), welcome.operator(), welcome.access()));
        assertEquals(11, bob.all(ServerMessage.Replay.class).get(0).bytes());
        assertEquals(new ServerMessage.Lock("alice", "a", "writer", 2), alice.lastLock());
        assertEquals(new ServerMessage.Lock("alice", "a", "reader", 2), bob.lastLock());
    }

    @Test
    void onlyTheWriterTypes_takeoverMovesTheKeyboard_andTheAuditKeepsWhoHeldItWhen() throws Exception {
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        RecordingViewer bob = new RecordingViewer("b", "bob", true);
        ConsoleSession s = hub.attach(WEB, alice, 80, 24);
        hub.attach(WEB, bob, 100, 30);
        s.input(alice, "ls\r".getBytes());
        s.input(bob, "rm -rf /\r".getBytes());
        assertEquals("ls\r", backend.last().sent());
        assertEquals("read-only: alice has the keyboard", bob.all(ServerMessage.Error.class).get(0).message());

        s.take(bob);
        assertEquals("reader", alice.lastLock().you());
        assertEquals(new ServerMessage.Lock("bob", "b", "writer", 2), bob.lastLock());
        assertEquals(List.of("80x24", "100x30"), backend.last().sizes, "the VM follows the new writer's size");
        s.input(bob, "id\r".getBytes());
        assertEquals("ls\rid\r", backend.last().sent());
        assertEquals(List.of("alice:ls\r", "bob:id\r"), audit.inputs);

        s.leave(alice, "client closed");
        ViewerRecord a = audit.closed.get(0);
        assertEquals(List.of("alice", 3L, "client closed"), List.of(a.operator(), a.bytesIn(), a.reason()));
        assertEquals(1, a.writeLock().size());
        assertTrue(!a.writeLock().get(0).to().isBefore(a.writeLock().get(0).from()));
        assertEquals(new ServerMessage.Lock("bob", "b", "writer", 1), bob.lastLock());
    }

    @Test
    void aReadOnlyOperatorCannotTakeTheKeyboard_andWhenTheWriterLeavesItPassesToTheNextWriter() throws Exception {
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        RecordingViewer rita = new RecordingViewer("r", "rita", false);
        RecordingViewer bob = new RecordingViewer("b", "bob", true);
        ConsoleSession s = hub.attach(WEB, rita, 80, 24);
        assertNull(rita.lastLock().writer(), "a reader never gets the keyboard by arriving first");
        hub.attach(WEB, alice, 80, 24);
        hub.attach(WEB, bob, 80, 24);
        assertEquals("alice", bob.lastLock().writer());
        s.take(rita);
        assertEquals("not-allowed", rita.all(ServerMessage.Error.class).get(0).code());
        s.leave(alice, "client closed");
        assertEquals(new ServerMessage.Lock("bob", "b", "writer", 2), bob.lastLock());
        s.release(bob);
        assertNull(rita.lastLock().writer());
        s.input(bob, "x".getBytes());
        assertEquals("read-only: nobody has the keyboard; take it first",
                bob.all(ServerMessage.Error.class).get(0).message());
    }

    @Test
    void aDroppedLineIsReopened_andTheViewersAreToldBothWays() throws Exception {
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        ConsoleSession s = hub.attach(WEB, alice, 80, 24);
        FakeBackend.Line first = backend.last();
        first.drop("termproxy exited");
        awaitTrue(() -> backend.lines.size() == 2 && alice.all(ServerMessage.Backend.class).size() == 2);
        List<ServerMessage.Backend> told = alice.all(ServerMessage.Backend.class);
        assertEquals("reconnecting", told.get(0).state());
        assertTrue(told.get(0).message().contains("termproxy exited"), told.get(0).message());
        assertEquals("connected", told.get(1).state());
        s.input(alice, "ok\r".getBytes());
        assertEquals("ok\r", backend.last().sent());
        assertNotSame(first, backend.last());
    }

    @Test
    void aLineThatCannotBeReopenedBecauseTheVmStoppedClosesEveryViewerWithTheReason() throws Exception {
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        RecordingViewer bob = new RecordingViewer("b", "bob", true);
        hub.attach(WEB, alice, 80, 24);
        hub.attach(WEB, bob, 80, 24);
        backend.failures.add(new BackendException(BackendException.Kind.REFUSED, "VM 101 (web) is not running"));
        backend.last().drop("eof");
        assertTrue(alice.closed.await(5, TimeUnit.SECONDS));
        assertTrue(bob.closed.await(5, TimeUnit.SECONDS));
        assertEquals(ConsoleSession.VM_REFUSED, alice.closeCode);
        assertEquals("VM 101 (web) is not running", bob.closeReason);
        assertTrue(audit.consoleClosed.await(5, TimeUnit.SECONDS));
        assertEquals(2, audit.closed.size());
    }

    @Test
    void retryableFailuresAreRetriedUpToThePolicy_thenTheViewersAreTold() throws Exception {
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        hub.attach(WEB, alice, 80, 24);
        for (int i = 0; i < 3; i++) {
            backend.failures.add(new BackendException(BackendException.Kind.UNREACHABLE, "connection refused"));
        }
        backend.last().drop("reset");
        assertTrue(alice.closed.await(5, TimeUnit.SECONDS));
        assertEquals(ConsoleSession.LINE_LOST, alice.closeCode);
        assertTrue(alice.closeReason.contains("gave up after 2 attempts"), alice.closeReason);
        assertEquals(1, backend.failures.size(), "two attempts were made, the third failure was never asked for");
    }

    @Test
    void aLineThatCannotBeOpenedFailsTheJoin_andTheNextViewerStartsAFreshConsole() throws Exception {
        backend.failures.add(new BackendException(BackendException.Kind.REFUSED, "VM 101 has no serial0"));
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        BackendException e = assertThrows(BackendException.class, () -> hub.attach(WEB, alice, 80, 24));
        assertEquals("VM 101 has no serial0", e.getMessage());
        assertTrue(audit.opened.isEmpty());
        ConsoleSession s = hub.attach(WEB, alice, 80, 24);
        assertFalse(s.isClosed());
        assertEquals(1, backend.lines.size());
    }

    @Test
    void theLineLingersAfterTheLastViewer_thenCloses() throws Exception {
        hub.close();
        hub = hub(Duration.ofMinutes(15), Duration.ofMillis(50));
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        ConsoleSession s = hub.attach(WEB, alice, 80, 24);
        s.leave(alice, "client closed");
        assertTrue(audit.consoleClosed.await(5, TimeUnit.SECONDS));
        assertEquals("no viewer left", audit.closeReason);
        assertTrue(backend.last().closed);
        assertTrue(hub.sessions().isEmpty());
    }

    @Test
    void aConsoleWithNeitherInputNorOutputIsClosedAsIdle() throws Exception {
        hub.close();
        hub = hub(Duration.ofMillis(300), Duration.ofSeconds(30));
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        hub.attach(WEB, alice, 80, 24);
        assertTrue(alice.closed.await(10, TimeUnit.SECONDS));
        assertEquals(ConsoleSession.IDLE, alice.closeCode);
        assertEquals("idle: no input and no output for 300ms", alice.closeReason);
        // The viewers are told first; the line and the audit record close right after, on the session's thread.
        awaitTrue(() -> backend.last().closed);
        awaitTrue(() -> !audit.closed.isEmpty());
        assertEquals("idle: no input and no output for 300ms", audit.closed.get(0).reason());
    }

    @Test
    void aReaderResizingDoesNotResizeTheVm() throws Exception {
        RecordingViewer alice = new RecordingViewer("a", "alice", true);
        RecordingViewer bob = new RecordingViewer("b", "bob", true);
        ConsoleSession s = hub.attach(WEB, alice, 80, 24);
        hub.attach(WEB, bob, 80, 24);
        s.resize(bob, 200, 60);
        s.resize(alice, 132, 43);
        assertEquals(List.of("80x24", "132x43"), backend.last().sizes);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }
}
