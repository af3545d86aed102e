package dev.fleetplane.console.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.console.backend.NodeSshConnection.QmTerminalStart;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QmTerminalStartTest {

    private static final ConsoleTarget WEB1 = new ConsoleTarget("web1", "pve", 101);

    private static boolean feed(QmTerminalStart s, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return s.feed(b, b.length);
    }

    @Test
    void qmsStartLine_inPieces_startsTheTerminal_andIsKeptWithWhatFollows() {
        QmTerminalStart s = new QmTerminalStart();
        assertFalse(feed(s, "starting serial ter"));
        assertFalse(feed(s, "minal on interface serial0\r"));
        assertTrue(feed(s, "\n\r\nweb1 login: "));
        assertArrayEquals("starting serial terminal on interface serial0\r\n\r\nweb1 login: "
                .getBytes(StandardCharsets.UTF_8), s.head());
    }

    @Test
    void linesBeforeIt_fromTheNodesShellRcFiles_areDropped() {
        QmTerminalStart s = new QmTerminalStart();
        assertFalse(feed(s, "pyenv: warning\r\n"));
        assertTrue(feed(s, "starting serial terminal on interface serial0\r\n"));
        assertEquals("starting serial terminal on interface serial0\r\n",
                new String(s.head(), StandardCharsets.UTF_8));
    }

    @Test
    void qmsRefusal_withExitStatus255_isRefusedWithItsText() {
        QmTerminalStart s = new QmTerminalStart();
        assertFalse(feed(s, "VM 101 not running\r\n"));
        BackendException e = QmTerminalStart.refusal(WEB1, "node pve (10.0.0.1)", s.text(), 255);
        assertEquals(BackendException.Kind.REFUSED, e.kind());
        assertEquals("the console of web1 (VM 101 on pve) was refused: VM 101 not running ('qm terminal 101 -iface"
                + " serial0 -escape 0' on node pve (10.0.0.1))", e.getMessage());
    }

    @Test
    void anythingElse_isAProtocolError_namingStatusAndText() {
        BackendException e = QmTerminalStart.refusal(WEB1, "node pve (10.0.0.1)", "", 0);
        assertEquals(BackendException.Kind.PROTOCOL, e.kind());
        assertEquals("'qm terminal 101 -iface serial0 -escape 0' on node pve (10.0.0.1) ended before it started the"
                + " terminal (exit status 0, nothing printed)", e.getMessage());
        assertEquals(BackendException.Kind.PROTOCOL,
                QmTerminalStart.refusal(WEB1, "n", "bash: qm: command not found\r\n", 127).kind());
    }

    @Test
    void aHeadWithoutTheStartLine_isTooLongAfter4KiB() {
        QmTerminalStart s = new QmTerminalStart();
        assertFalse(feed(s, "x".repeat(QmTerminalStart.MAX_HEAD)));
        assertFalse(s.tooLong());
        assertFalse(feed(s, "y"));
        assertTrue(s.tooLong());
    }
}
