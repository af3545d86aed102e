package dev.fleetplane.console.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's messages as pve-xtermjs writes them, and what termproxy would misread refused up front. */
class ConsoleFramesTest {

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void input_lengthCountsUtf8Bytes_notCharacters() {
        List<byte[]> frames = new ConsoleFrames().input("é€😀");
        assertEquals(1, frames.size());
        byte[] expected = "0:9:é€😀".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, frames.get(0));
    }

    @Test
    void input_emptyInput_isNoFrame() {
        assertEquals(List.of(), new ConsoleFrames().input(new byte[0]));
    }

    @Test
    void input_largePaste_isSplitIntoBoundedFramesThatConcatenateToTheInput() {
        byte[] paste = "x".repeat(40_000).getBytes(StandardCharsets.US_ASCII);
        List<byte[]> frames = new ConsoleFrames().input(paste);
        assertEquals(3, frames.size());
        assertTrue(ascii(frames.get(0)).startsWith("0:16384:"));
        assertTrue(ascii(frames.get(2)).startsWith("0:7232:"));
        assertArrayEquals(paste, dataOf(frames));
    }

    @Test
    void input_neverCutsAUtf8SequenceAtAFrameLimit() {
        // 4-byte characters behind one ASCII byte: every limit of 6 falls inside one
        String text = "a" + "😀".repeat(10);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<byte[]> frames = new ConsoleFrames(6).input(bytes);
        for (byte[] frame : frames) {
            byte[] data = dataOf(List.of(frame));
            assertTrue(data.length <= 6, ascii(frame));
            // each frame's data is whole characters on its own
            assertEquals(new String(data, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8).length, data.length);
            assertFalse(new String(data, StandardCharsets.UTF_8).contains("\uFFFD"), ascii(frame));
        }
        assertEquals(text, new String(dataOf(frames), StandardCharsets.UTF_8));
    }

    @Test
    void input_binaryThatIsNotUtf8_isCutAtTheLimitAndKeptWhole() {
        byte[] binary = new byte[20];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (0x80 + i); // continuation bytes only: no character boundary anywhere
        }
        List<byte[]> frames = new ConsoleFrames(8).input(binary);
        assertEquals(List.of("0:8:", "0:8:", "0:4:"), frames.stream().map(f -> ascii(f).substring(0, 4)).toList());
        assertArrayEquals(binary, dataOf(frames));
    }

    @Test
    void maxDataBytes_outOfRange_isRefusedWithTheRange() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> new ConsoleFrames(3));
        assertTrue(small.getMessage().contains("maxDataBytes 3 is out of range 4..131063"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConsoleFrames(ConsoleFrames.MAX_WEBSOCKET_PAYLOAD));
        // the largest allowed frame still fits one WebSocket payload
        byte[] big = new byte[131_063];
        assertEquals(ConsoleFrames.MAX_WEBSOCKET_PAYLOAD, new ConsoleFrames(131_063).input(big).get(0).length);
    }

    @Test
    void resize_isColsThenRows_withTrailingColon() {
        assertEquals("1:120:40:", ascii(ConsoleFrames.resize(120, 40)));
        assertEquals("1:65535:1:", ascii(ConsoleFrames.resize(65535, 1)));
    }

    @Test
    void resize_outOfRange_namesTheField() {
        assertEquals("terminal cols 0 is out of range 1..65535 (termproxy sets the size as an unsigned 16-bit number)",
                assertThrows(IllegalArgumentException.class, () -> ConsoleFrames.resize(0, 24)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleFrames.resize(80, 65536)).getMessage()
                .startsWith("terminal rows 65536 is out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleFrames.resize(80, -1)).getMessage()
                .startsWith("terminal rows -1 is out of range"));
    }

    @Test
    void keepalive_isTheSingleByte2() {
        assertEquals("2", ascii(ConsoleFrames.keepalive()));
    }

    @Test
    void authLine_isUserColonTicketNewline_andTheTicketMayHoldColons() {
        String ticket = "PVEVNC:6512ABCD::c2lnbmF0dXJl+/=";
        assertEquals("root@pam:" + ticket + "\n", ascii(ConsoleFrames.authLine("root@pam", ticket)));
        assertEquals("ops@pve!console:t\n", ascii(ConsoleFrames.authLine("ops@pve!console", "t")));
    }

    @Test
    void authLine_refusesWhatTermproxyWouldCut_withoutShowingTheSecret() {
        String secret = "PVEVNC:SECRET";
        IllegalArgumentException newline = assertThrows(IllegalArgumentException.class,
                () -> ConsoleFrames.authLine("root@pam", secret + "\nmore"));
        assertEquals("console auth ticket contains a line break at index 13: termproxy ends the auth line at the first"
                + " newline", newline.getMessage());
        assertFalse(newline.getMessage().contains("SECRET"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleFrames.authLine("root\r@pam", "t"))
                .getMessage().startsWith("console auth user contains a line break at index 4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleFrames.authLine("a:b", "t"))
                .getMessage().startsWith("console auth user contains ':' at index 1"));
        assertEquals("console auth ticket is empty; the termproxy call returns it",
                assertThrows(IllegalArgumentException.class, () -> ConsoleFrames.authLine("root@pam", ""))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleFrames.authLine(null, "t"))
                .getMessage().startsWith("console auth user is empty"));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> ConsoleFrames.authLine("root@pam", "x".repeat(5000)));
        assertTrue(tooLong.getMessage().startsWith("console auth line is 5010 bytes; termproxy reads at most 4096"),
                tooLong.getMessage());
    }

    /** The data bytes of {@code frames}, read back with the parser. */
    static byte[] dataOf(List<byte[]> frames) {
        ConsoleFrameParser parser = new ConsoleFrameParser();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            List<ConsoleMessage> messages = parser.feed(frame);
            assertEquals(1, messages.size(), "one frame, one message: " + ascii(frame));
            data.writeBytes(((ConsoleMessage.Data) messages.get(0)).bytes());
        }
        parser.end();
        return data.toByteArray();
    }
}
