package dev.fleetplane.cli.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypedInputTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void plainTyping_isSentAsRead_andDoesNotLeave() {
        TypedInput in = new TypedInput();
        TypedInput.Scan s = in.read(bytes("root\r"), 0, 5);
        assertEquals(1, s.send().size());
        assertArrayEquals(bytes("root\r"), s.send().get(0));
        assertFalse(s.leave());
        assertFalse(in.left());
    }

    @Test
    void leaveKey_endsTheRead_theBytesBeforeItAreSent_itAndWhatFollowsAreNot() {
        TypedInput in = new TypedInput();
        byte[] read = {'l', 's', '\r', 0x1d, 'x', 'y'};
        TypedInput.Scan s = in.read(read, 0, read.length);
        assertTrue(s.leave());
        assertEquals(1, s.send().size());
        assertArrayEquals(bytes("ls\r"), s.send().get(0));
    }

    @Test
    void leaveKey_aloneInARead_sendsNothing() {
        TypedInput.Scan s = new TypedInput().read(new byte[] {0x1d}, 0, 1);
        assertTrue(s.leave());
        assertEquals(List.of(), s.send());
    }

    @Test
    void afterTheLeaveKey_laterReadsSendNothing() {
        TypedInput in = new TypedInput();
        in.read(new byte[] {'a', 0x1d}, 0, 2);
        TypedInput.Scan later = in.read(bytes("rm -rf /\r"), 0, 9);
        assertTrue(later.leave());
        assertEquals(List.of(), later.send());
    }

    @Test
    void leaveKey_inALaterRead_isFound_afterEarlierReadsWentThrough() {
        TypedInput in = new TypedInput();
        assertFalse(in.read(bytes("echo hi\r"), 0, 8).leave());
        byte[] buffer = {'q', 'q', 'x', 0x1d, 'z'};
        TypedInput.Scan s = in.read(buffer, 2, 3); // only "x", 0x1d, "z" were read into this buffer
        assertTrue(s.leave());
        assertArrayEquals(bytes("x"), s.send().get(0));
    }

    @Test
    void readsWithOtherControlBytes_areSentAsTheyAre() {
        byte[] ctrl = {0x03, 0x04, 0x1b, '[', 'A', 0x7f, 0x1c, 0x1e};
        TypedInput.Scan s = new TypedInput().read(ctrl, 0, ctrl.length);
        assertFalse(s.leave());
        assertArrayEquals(ctrl, s.send().get(0));
    }

    @Test
    void aPaste_isCutIntoChunksOfAtMostTheLimit_inOrder() {
        byte[] paste = new byte[TypedInput.MAX_CHUNK * 2 + 10];
        Arrays.fill(paste, (byte) 'a');
        paste[paste.length - 1] = 'z';
        TypedInput.Scan s = new TypedInput().read(paste, 0, paste.length);
        assertEquals(List.of(TypedInput.MAX_CHUNK, TypedInput.MAX_CHUNK, 10),
                s.send().stream().map(b -> b.length).toList());
        assertEquals('z', s.send().get(2)[9]);
    }

    @Test
    void aSmallChunkLimit_cutsBeforeTheLeaveKey() {
        TypedInput.Scan s = new TypedInput(2).read(new byte[] {'a', 'b', 'c', 0x1d}, 0, 4);
        assertEquals(2, s.send().size());
        assertArrayEquals(bytes("ab"), s.send().get(0));
        assertArrayEquals(bytes("c"), s.send().get(1));
        assertTrue(s.leave());
    }

    @Test
    void aChunkLimitOutside1To64KiB_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TypedInput(0));
        assertThrows(IllegalArgumentException.class, () -> new TypedInput(TypedInput.MAX_CHUNK + 1));
    }
}
