package dev.fleetplane.console.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** termproxy's OK, alone, split, or with the first output behind it in one message. */
class ServerGreetingTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void okWithOutputInTheSameMessage_handsBackTheOutput() {
        ServerGreeting greeting = new ServerGreeting();
        assertArrayEquals(ascii("starting serial terminal"),
                greeting.feed(ascii("OKstarting serial terminal")).orElseThrow());
        assertTrue(greeting.complete());
        assertArrayEquals(ascii("more"), greeting.feed(ascii("more")).orElseThrow());
    }

    @Test
    void okSplitAcrossMessages_waitsForItsSecondByte() {
        ServerGreeting greeting = new ServerGreeting();
        assertEquals(Optional.empty(), greeting.feed(ascii("O")));
        assertFalse(greeting.complete());
        assertArrayEquals(new byte[0], greeting.feed(ascii("K")).orElseThrow());
        assertTrue(greeting.complete());
    }

    @Test
    void anythingElseFirst_failsNamingTheByteAndOffset() {
        ServerGreeting greeting = new ServerGreeting();
        greeting.feed(ascii("O"));
        assertEquals("termproxy's greeting: expected 'OK', got 0x6B at byte offset 1",
                assertThrows(ConsoleProtocolException.class, () -> greeting.feed(ascii("k"))).getMessage());
    }

    @Test
    void aCloseBeforeOk_saysWhatThatMeans() {
        assertTrue(new ServerGreeting().closedEarly().getMessage()
                .startsWith("the console closed before termproxy's 'OK': the VNC ticket was refused or expired"));
    }
}
