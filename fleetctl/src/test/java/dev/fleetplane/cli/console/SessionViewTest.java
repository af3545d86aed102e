package dev.fleetplane.cli.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionViewTest {

    private static final String WELCOME = "{\"type\":\"welcome\",\"session\":\"0b0c\",\"host\":\"web\",\"vmid\":101,"
            + "\"node\":\"pve\",\"backend\":\"pve-api\",\"operator\":\"alice\",\"access\":\"write\"}";

    private static String lock(String writer, String you, int viewers) {
        return "{\"type\":\"lock\",\"writer\":" + (writer == null ? "null" : "\"" + writer + "\"")
                + ",\"writerSession\":" + (writer == null ? "null" : "\"s-" + writer + "\"") + ",\"you\":\"" + you
                + "\",\"viewers\":" + viewers + "}";
    }

    @Test
    void welcome_isTheBanner() {
        SessionView v = new SessionView(SessionView.Mode.DEFAULT);
        assertFalse(v.welcomed());
        assertEquals(List.of("Connected to web (VM 101 on pve) via pve-api. Ctrl-] leaves."), v.on(WELCOME).notices());
        assertTrue(v.welcomed());
    }

    @Test
    void welcome_withReadAccess_saysSo() {
        String line = new SessionView(SessionView.Mode.DEFAULT).on(WELCOME.replace("\"write\"", "\"read\""))
                .notices().get(0);
        assertEquals("Connected to web (VM 101 on pve) via pve-api, read-only (operator alice has read access)."
                + " Ctrl-] leaves.", line);
    }

    @Test
    void lock_heldByAnother_isReadOnlyNamingTheWriter_andARepeatSaysNothing() {
        SessionView v = new SessionView(SessionView.Mode.DEFAULT);
        assertEquals(List.of("read-only: alice has the keyboard (2 viewers)"), v.on(lock("alice", "reader", 2)).notices());
        assertEquals(List.of(), v.on(lock("alice", "reader", 2)).notices());
        assertFalse(v.writer());
    }

    @Test
    void lock_viewerCountChangeAlone_isOneShortLine() {
        SessionView v = new SessionView(SessionView.Mode.DEFAULT);
        v.on(lock("alice", "reader", 2));
        assertEquals(List.of("3 viewers now"), v.on(lock("alice", "reader", 3)).notices());
    }

    @Test
    void lock_givenToYou_saysYouHaveTheKeyboard() {
        SessionView v = new SessionView(SessionView.Mode.DEFAULT);
        assertEquals(List.of("you have the keyboard"), v.on(lock("bob", "writer", 1)).notices());
        assertTrue(v.writer());
        assertEquals(List.of("read-only: alice has the keyboard (2 viewers)"), v.on(lock("alice", "reader", 2)).notices());
        assertEquals(List.of("read-only: nobody has the keyboard"), v.on(lock(null, "reader", 1)).notices());
    }

    @Test
    void readOnlyMode_givesTheKeyboardBack_whenHandedIt() {
        SessionView v = new SessionView(SessionView.Mode.READ_ONLY);
        SessionView.Reaction r = v.on(lock("bob", "writer", 1));
        assertEquals(List.of("{\"type\":\"release\"}"), r.replies());
        assertEquals(List.of(), r.notices());
        assertEquals(List.of("read-only (--read-only): nobody has the keyboard"), v.on(lock(null, "reader", 1)).notices());
    }

    @Test
    void takeMode_takesTheKeyboardOnce_thenReportsLikeAnyViewer() {
        SessionView v = new SessionView(SessionView.Mode.TAKE);
        assertEquals(List.of("{\"type\":\"take\"}"), v.on(lock("alice", "reader", 2)).replies());
        assertEquals(List.of("you have the keyboard (2 viewers)"), v.on(lock("bob", "writer", 2)).notices());
        SessionView.Reaction takenBack = v.on(lock("alice", "reader", 2));
        assertEquals(List.of(), takenBack.replies());
        assertEquals(List.of("read-only: alice has the keyboard (2 viewers)"), takenBack.notices());
    }

    @Test
    void takeMode_alreadyWriter_sendsNothing() {
        SessionView.Reaction r = new SessionView(SessionView.Mode.TAKE).on(lock("bob", "writer", 1));
        assertEquals(List.of(), r.replies());
        assertEquals(List.of("you have the keyboard"), r.notices());
    }

    @Test
    void backend_reconnectingAndBack_areWords() {
        SessionView v = new SessionView(SessionView.Mode.DEFAULT);
        assertEquals(List.of("console reconnecting: termproxy closed the line"),
                v.on("{\"type\":\"backend\",\"state\":\"reconnecting\",\"message\":\"termproxy closed the line\"}").notices());
        assertEquals(List.of("console reconnecting: the VM's line dropped"),
                v.on("{\"type\":\"backend\",\"state\":\"reconnecting\"}").notices());
        assertEquals(List.of("console back"), v.on("{\"type\":\"backend\",\"state\":\"connected\",\"message\":\"\"}").notices());
    }

    @Test
    void readOnlyErrors_areSaidOnce_untilSomethingElseHappens() {
        SessionView v = new SessionView(SessionView.Mode.DEFAULT);
        String err = "{\"type\":\"error\",\"code\":\"read-only\",\"message\":\"alice has the keyboard\"}";
        assertEquals(List.of("read-only: typing is not sent (alice has the keyboard)"), v.on(err).notices());
        assertEquals(List.of(), v.on(err).notices());
        v.on(lock("carol", "reader", 3));
        assertEquals(1, v.on(err).notices().size());
    }

    @Test
    void otherErrors_andUnknownOrBrokenMessages_areNamed_replayAndPongAreSilent() {
        SessionView v = new SessionView(SessionView.Mode.DEFAULT);
        assertEquals(List.of("not allowed: operator carol has read access"),
                v.on("{\"type\":\"error\",\"code\":\"not-allowed\",\"message\":\"operator carol has read access\"}").notices());
        assertEquals(List.of("the gateway refused a message: unknown type 'x'"),
                v.on("{\"type\":\"error\",\"code\":\"bad-message\",\"message\":\"unknown type 'x'\"}").notices());
        assertEquals(List.of("the gateway sent a control message of unknown type 'confetti'"),
                v.on("{\"type\":\"confetti\"}").notices());
        assertEquals(List.of("the gateway sent a control message that is not JSON: {oops"), v.on("{oops").notices());
        assertEquals(List.of("the gateway sent a control message without a type: [1,2]"), v.on("[1,2]").notices());
        assertEquals(List.of(), v.on("{\"type\":\"replay\",\"bytes\":512}").notices());
        assertEquals(List.of(), v.on("{\"type\":\"pong\"}").notices());
    }

    @Test
    void closeCodes_areWords_withTheGatewaysReason() {
        assertEquals("console closed: the gateway refused the token (missing or unknown) (4401: token unknown)",
                SessionView.closed(4401, "token unknown", "web"));
        assertEquals("console closed: this operator may not open web", SessionView.closed(4403, "", "web"));
        assertEquals("console closed: the gateway knows no VM named web (4404: no VM named web)",
                SessionView.closed(4404, "no VM named web", "web"));
        assertEquals("console closed: the VM cannot give a console (4409: VM 101 not running)",
                SessionView.closed(4409, "VM 101 not running", "web"));
        assertTrue(SessionView.closed(4000, null, "web").contains("idle timeout"));
        assertTrue(SessionView.closed(4429, null, "web").contains("did not read the output fast enough"));
        assertTrue(SessionView.closed(1011, "backend gone", "web").endsWith("(1011: backend gone)"));
        assertEquals("console closed: the gateway closed the console with code 4999", SessionView.closed(4999, " ", "w"));
    }

    @Test
    void outgoingMessages_areTheContractsJson() {
        assertEquals("{\"type\":\"auth\",\"token\":\"t0k\",\"cols\":120,\"rows\":40}",
                SessionView.auth("t0k", new TerminalState.WindowSize(120, 40)));
        assertEquals("{\"type\":\"auth\",\"token\":\"t0k\"}", SessionView.auth("t0k", null));
        assertEquals("{\"type\":\"resize\",\"cols\":80,\"rows\":24}",
                SessionView.resize(new TerminalState.WindowSize(80, 24)));
        assertEquals("{\"type\":\"ping\"}", SessionView.message("ping"));
    }
}
