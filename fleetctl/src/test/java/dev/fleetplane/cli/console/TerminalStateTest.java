package dev.fleetplane.cli.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TerminalStateTest {

    private static final String GNU = "500:5:bf:8a3b:3:1c:7f:15:4:0:1:0:11:13:1a:0:12:f:17:16:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0";

    @Test
    void savedSettings_fromGnuStty_areKeptExactly_withoutTheNewline() {
        assertEquals(GNU, TerminalState.saved(GNU + "\n"));
    }

    @Test
    void savedSettings_fromBsdStty_areAccepted() {
        String bsd = "gfmt1:cflag=4b00:iflag=6b02:lflag=200005cb:oflag=3:discard=f:dsusp=19:eof=4";
        assertEquals(bsd, TerminalState.saved(bsd));
    }

    @Test
    void savedSettings_thatAreNotSttyOutput_areRefused_namingTheText() {
        for (String bad : new String[] {"", "  ", "stty: 'standard input': Inappropriate ioctl for device",
                "500:5", "500:5:bf:8a3b; rm -rf /", "-echo raw"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TerminalState.saved(bad),
                    bad);
            assertTrue(e.getMessage().startsWith("stty -g printed '" + bad.strip()), e.getMessage());
        }
    }

    @Test
    void size_isRowsThenColumns() {
        assertEquals(Optional.of(new TerminalState.WindowSize(120, 40)), TerminalState.size("40 120\n"));
    }

    @Test
    void size_zero_isUnknown() {
        assertEquals(Optional.empty(), TerminalState.size("0 0"));
        assertEquals(Optional.empty(), TerminalState.size("24 0"));
    }

    @Test
    void size_thatIsNotTwoNumbers_isRefused() {
        for (String bad : new String[] {"", "40", "40x120", "-1 80", "40 120 3", "999999 80"}) {
            assertThrows(IllegalArgumentException.class, () -> TerminalState.size(bad), bad);
        }
    }

    @Test
    void windowSize_outside1To65535_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TerminalState.WindowSize(0, 24));
        assertThrows(IllegalArgumentException.class, () -> new TerminalState.WindowSize(80, 65536));
    }
}
