package dev.fleetplane.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClientMessageTest {

    @Test
    void readsEveryType() throws Exception {
        assertEquals(new ClientMessage.Auth("t0k", 120, 40),
                ClientMessage.parse("{\"type\":\"auth\",\"token\":\"t0k\",\"cols\":120,\"rows\":40}"));
        assertEquals(new ClientMessage.Auth("t0k", 80, 24), ClientMessage.parse("{\"type\":\"auth\",\"token\":\"t0k\"}"));
        assertEquals(new ClientMessage.Resize(100, 30), ClientMessage.parse("{\"type\":\"resize\",\"cols\":100,\"rows\":30}"));
        assertEquals(new ClientMessage.Take(), ClientMessage.parse("{\"type\":\"take\"}"));
        assertEquals(new ClientMessage.Release(), ClientMessage.parse("{\"type\":\"release\"}"));
        assertEquals(new ClientMessage.Ping(), ClientMessage.parse("{\"type\":\"ping\"}"));
    }

    @Test
    void refusesWhatIsNotTheProtocol_sayingWhat() {
        assertEquals("a control message must be a JSON object; this one is not JSON (line 1, column 2)",
                assertThrows(ClientMessage.Invalid.class, () -> ClientMessage.parse("0:5:hello")).getMessage());
        assertEquals("unknown control message type 'shell'; known: auth, resize, take, release, ping",
                assertThrows(ClientMessage.Invalid.class, () -> ClientMessage.parse("{\"type\":\"shell\"}")).getMessage());
        assertEquals("resize: 'cols' must be a whole number from 1 to 65535, got 70000",
                assertThrows(ClientMessage.Invalid.class,
                        () -> ClientMessage.parse("{\"type\":\"resize\",\"cols\":70000,\"rows\":1}")).getMessage());
        assertEquals("resize: needs both 'cols' and 'rows'",
                assertThrows(ClientMessage.Invalid.class, () -> ClientMessage.parse("{\"type\":\"resize\",\"cols\":1}"))
                        .getMessage());
        assertEquals("take: unknown field 'force'",
                assertThrows(ClientMessage.Invalid.class, () -> ClientMessage.parse("{\"type\":\"take\",\"force\":true}"))
                        .getMessage());
        assertEquals("a control message must be a JSON object",
                assertThrows(ClientMessage.Invalid.class, () -> ClientMessage.parse("[1]")).getMessage());
    }

    @Test
    void jsonNestedTooDeep_isRefusedInWords_notAnExceptionThatLeavesTheClientUnanswered() {
        assertEquals("a control message must be a JSON object; this one is not JSON (nested deeper than 1000 levels)",
                assertThrows(ClientMessage.Invalid.class,
                        () -> ClientMessage.parse("[".repeat(5000) + "]".repeat(5000))).getMessage());
    }

    @Test
    void theTokenNeverAppearsInAnErrorOrInToString() {
        ClientMessage.Invalid e = assertThrows(ClientMessage.Invalid.class,
                () -> ClientMessage.parse("{\"type\":\"auth\",\"token\":\"s3cret\",\"rows\":0}"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertFalse(new ClientMessage.Auth("s3cret", 1, 1).toString().contains("s3cret"));
    }
}
