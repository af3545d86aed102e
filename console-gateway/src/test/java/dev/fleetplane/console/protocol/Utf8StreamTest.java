package dev.fleetplane.console.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Terminal output decoded chunk by chunk: split characters held back, bad bytes replaced and counted. */
class Utf8StreamTest {

    @Test
    void aCharacterSplitAcrossChunks_isHeldBackUntilComplete() {
        byte[] bytes = "a😀b".getBytes(StandardCharsets.UTF_8); // 61 F0 9F 98 80 62
        Utf8Stream stream = new Utf8Stream();
        assertEquals("a", stream.decode(Arrays.copyOfRange(bytes, 0, 2)));
        assertEquals("", stream.decode(Arrays.copyOfRange(bytes, 2, 3)));
        assertEquals("😀b", stream.decode(Arrays.copyOfRange(bytes, 3, 6)));
        assertEquals("", stream.finish());
        assertEquals(0, stream.replacedSequences());
    }

    @Test
    void everySplitOfMixedText_decodesToTheSameText() {
        String text = "\u001b[1mé€😀\u001b[0m ok";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            Utf8Stream stream = new Utf8Stream();
            String decoded = stream.decode(Arrays.copyOfRange(bytes, 0, cut))
                    + stream.decode(Arrays.copyOfRange(bytes, cut, bytes.length)) + stream.finish();
            assertEquals(text, decoded, "cut at " + cut);
            assertEquals(0, stream.replacedSequences());
        }
    }

    @Test
    void invalidBytes_becomeVisibleReplacements_andAreCounted() {
        Utf8Stream stream = new Utf8Stream();
        assertEquals("a\uFFFDb\uFFFDc", stream.decode(new byte[] {'a', (byte) 0xFF, 'b', (byte) 0xC0, 'c'}));
        assertEquals(2, stream.replacedSequences());
    }

    @Test
    void aLeadByteFollowedByNoContinuation_isReplaced_andTheNextCharacterKept() {
        Utf8Stream stream = new Utf8Stream();
        assertEquals("", stream.decode(new byte[] {(byte) 0xE2}));
        assertEquals("\uFFFDx", stream.decode(new byte[] {'x'}));
        assertEquals(1, stream.replacedSequences());
    }

    @Test
    void anUnfinishedCharacterAtTheEnd_isReplacedByFinish() {
        Utf8Stream stream = new Utf8Stream();
        assertEquals("ok", stream.decode(new byte[] {'o', 'k', (byte) 0xE2, (byte) 0x82}));
        assertEquals("\uFFFD", stream.finish());
        assertEquals(1, stream.replacedSequences());
    }
}
