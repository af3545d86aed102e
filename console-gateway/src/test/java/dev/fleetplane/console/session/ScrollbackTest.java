package dev.fleetplane.console.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScrollbackTest {

    private static String text(Scrollback s) {
        return new String(s.snapshot(), StandardCharsets.UTF_8);
    }

    @Test
    void keepsEverythingWhileItFits() {
        Scrollback s = new Scrollback(16);
        s.append("abc".getBytes());
        s.append("def".getBytes());
        assertEquals("abcdef", text(s));
    }

    @Test
    void dropsTheOldestBytes_andAReplayStartsAtTheNextLine() {
        Scrollback s = new Scrollback(10);
        s.append("line1\nline2\n".getBytes());
        assertEquals("line2\n", text(s), "kept '1\\nline2\\n', replayed from after the cut line");
        s.append("xy".getBytes());
        assertEquals("xy", text(s).substring(text(s).length() - 2));
        assertEquals(10, s.size());
    }

    @Test
    void aChunkLargerThanTheBufferKeepsItsTail() {
        Scrollback s = new Scrollback(4);
        s.append("0123456789".getBytes());
        assertEquals("6789", text(s));
    }

    @Test
    void wrapsAroundTheRingInOrder() {
        Scrollback s = new Scrollback(5);
        for (String part : new String[] {"ab", "cd", "ef", "gh"}) {
            s.append(part.getBytes());
        }
        assertEquals("defgh", text(s));
    }

    @Test
    void zeroCapacityKeepsNothing() {
        Scrollback s = new Scrollback(0);
        s.append("abc".getBytes());
        assertEquals("", text(s));
    }
}
