package dev.fleetplane.console.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** termproxy's reading of client messages, strict: split and coalesced frames, and each kind of bad input. */
class ConsoleFrameParserTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ConsoleMessage.Data data(String s) {
        return new ConsoleMessage.Data(utf8(s));
    }

    private static ConsoleProtocolException failure(String input) {
        return assertThrows(ConsoleProtocolException.class, () -> new ConsoleFrameParser().feed(utf8(input)));
    }

    @Test
    void severalMessagesInOnePayload_areReadInOrder() {
        List<ConsoleMessage> messages = new ConsoleFrameParser().feed(utf8("0:3:ls\r1:120:40:20:2:é2"));
        assertEquals(List.of(data("ls\r"), new ConsoleMessage.Resize(120, 40), new ConsoleMessage.Keepalive(),
                data("é"), new ConsoleMessage.Keepalive()), messages);
    }

    @Test
    void aStreamSplitAtEveryByte_readsTheSameMessages() {
        byte[] stream = utf8("1:80:24:0:12:echo 'ünï'2");
        List<ConsoleMessage> whole = new ConsoleFrameParser().feed(stream);
        ConsoleFrameParser parser = new ConsoleFrameParser();
        List<ConsoleMessage> byteByByte = new ArrayList<>();
        for (byte b : stream) {
            byteByByte.addAll(parser.feed(new byte[] {b}));
        }
        parser.end();
        assertEquals(List.of(new ConsoleMessage.Resize(80, 24), data("echo 'ünï'"), new ConsoleMessage.Keepalive()),
                whole);
        assertEquals(whole, byteByByte);
    }

    @Test
    void aMultiByteCharacterSplitAcrossPayloads_arrivesWhole() {
        byte[] euro = utf8("€"); // E2 82 AC
        ConsoleFrameParser parser = new ConsoleFrameParser();
        assertEquals(List.of(), parser.feed(new byte[] {'0', ':', '3', ':', euro[0]}));
        assertEquals(List.of(), parser.feed(new byte[] {euro[1]}));
        assertEquals(List.of(data("€"), new ConsoleMessage.Keepalive()), parser.feed(new byte[] {euro[2], '2'}));
    }

    @Test
    void binaryData_passesUnchanged_includingColonsAndDigits() {
        byte[] binary = {0, (byte) 0xFF, ':', '1', ':', (byte) 0x80, '\n'};
        byte[] frame = new ConsoleFrames().input(binary).get(0);
        assertEquals(List.of(new ConsoleMessage.Data(binary)), new ConsoleFrameParser().feed(frame));
    }

    @Test
    void aZeroLengthDataFrame_isAnEmptyDataMessage() {
        assertEquals(List.of(data(""), data("a")), new ConsoleFrameParser().feed(utf8("0:0:0:1:a")));
    }

    @Test
    void aNonNumericLength_namesTheByteAndItsOffset() {
        ConsoleProtocolException e = failure("2" + "0:abc:");
        assertEquals("data length: expected a digit or ':', got 'a' (0x61) at byte offset 3", e.getMessage());
        assertEquals(3, e.offset());
    }

    @Test
    void aNegativeOrEmptyLength_isRefused() {
        assertEquals("data length is negative at byte offset 2", failure("0:-5:hello").getMessage());
        assertEquals("data length is empty at byte offset 2", failure("0::x").getMessage());
        assertEquals("data length: expected a digit or ':', got '+' (0x2B) at byte offset 2",
                failure("0:+5:hello").getMessage());
    }

    @Test
    void aHugeLengthPrefix_failsOnItsDigits_beforeAnyDataIsBuffered() {
        ConsoleFrameParser parser = new ConsoleFrameParser(1024);
        ConsoleProtocolException e = assertThrows(ConsoleProtocolException.class,
                () -> parser.feed(utf8("0:10485760:")));
        assertEquals("data length exceeds the limit of 1024 bytes (1048 so far) at byte offset 5", e.getMessage());
        ConsoleFrameParser atTheDefaultLimit = new ConsoleFrameParser();
        assertEquals(List.of(), atTheDefaultLimit.feed(utf8("0:131072:")));
        assertEquals("stream ended inside a data frame, 131072 bytes short at byte offset 9",
                assertThrows(ConsoleProtocolException.class, atTheDefaultLimit::end).getMessage());
        assertTrue(assertThrows(ConsoleProtocolException.class, () -> new ConsoleFrameParser().feed(utf8("0:131073:")))
                .getMessage().startsWith("data length exceeds the limit of 131072 bytes"));
    }

    @Test
    void aLengthWithMoreThanTwentyDigits_isRefused() {
        assertEquals("data length has more than 20 digits at byte offset 22",
                failure("0:" + "0".repeat(21) + "1:x").getMessage());
    }

    @Test
    void anUnknownType_isRefusedNamingTheByte() {
        assertEquals("unknown message type '3' (0x33); expected '0' (data), '1' (resize) or '2' (keepalive) at byte"
                + " offset 5", failure("0:1:x3").getMessage());
        assertTrue(failure("\u0007").getMessage().startsWith("unknown message type 0x07;"));
    }

    @Test
    void aTypeWithoutItsColon_isRefused() {
        assertEquals("data message: expected ':' after its type, got '5' (0x35) at byte offset 1",
                failure("05:hello").getMessage());
        assertEquals("resize message: expected ':' after its type, got ';' (0x3B) at byte offset 1",
                failure("1;80:24:").getMessage());
    }

    @Test
    void aResizeOutOfRange_isRefused() {
        assertEquals("resize rows 0 is out of range 1..65535 at byte offset 6", failure("1:80:0:").getMessage());
        assertEquals("resize cols exceeds the limit of 65535 (65536 so far) at byte offset 6",
                failure("1:65536:24:").getMessage());
        assertEquals("resize cols is empty at byte offset 2", failure("1::24:").getMessage());
    }

    @Test
    void afterAFailure_theParserStaysFailed() {
        ConsoleFrameParser parser = new ConsoleFrameParser();
        assertThrows(ConsoleProtocolException.class, () -> parser.feed(utf8("x")));
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> parser.feed(utf8("2")));
        assertTrue(again.getMessage().startsWith("console parser already failed: unknown message type 'x'"));
    }

    @Test
    void anEndInsideAMessage_saysWhatWasMissing() {
        ConsoleFrameParser parser = new ConsoleFrameParser();
        parser.feed(utf8("2"));
        parser.end();
        parser.feed(utf8("0:5:ab"));
        assertEquals("stream ended inside a data frame, 3 bytes short at byte offset 7",
                assertThrows(ConsoleProtocolException.class, parser::end).getMessage());
        ConsoleFrameParser header = new ConsoleFrameParser();
        header.feed(utf8("1:80"));
        assertEquals("stream ended inside a message header at byte offset 4",
                assertThrows(ConsoleProtocolException.class, header::end).getMessage());
    }
}
