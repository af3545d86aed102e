package dev.fleetplane.provisioner.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputTailTest {

    private static void print(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsOnlyTheLastLines() throws IOException {
        OutputTail tail = new OutputTail(3, 100);
        try (OutputStream out = tail.sink()) {
            for (int i = 1; i <= 10; i++) {
                print(out, "line " + i + "\n");
            }
        }
        assertEquals(List.of("line 8", "line 9", "line 10"), tail.lines());
        assertEquals(10, tail.totalLines());
    }

    @Test
    void megabytesOfOutput_stayWithinTheBounds() throws IOException {
        OutputTail tail = new OutputTail(50, 200);
        byte[] chunk = "copying path '/nix/store/abc-some-package-1.0' from 'https://cache.nixos.org'...\n"
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = tail.sink()) {
            for (int i = 0; i < 100_000; i++) {
                out.write(chunk);
            }
            print(out, "activating the configuration...\n");
        }
        List<String> lines = tail.lines();
        assertEquals(50, lines.size());
        assertEquals("activating the configuration...", lines.get(49));
        assertEquals(100_001, tail.totalLines());
        assertTrue(lines.stream().allMatch(l -> l.length() <= 200 + OutputTail.CUT_MARK.length()));
    }

    @Test
    void aLineLongerThanTheLimit_isCutAndMarked() throws IOException {
        OutputTail tail = new OutputTail(5, 10);
        try (OutputStream out = tail.sink()) {
            print(out, "x".repeat(5_000_000) + "\nshort\n");
        }
        assertEquals(List.of("xxxxxxxxxx" + OutputTail.CUT_MARK, "short"), tail.lines());
    }

    @Test
    void lastLineWithoutNewline_isKeptWhenTheStreamCloses() throws IOException {
        OutputTail tail = new OutputTail(5, 100);
        try (OutputStream out = tail.sink()) {
            print(out, "a\r\nno newline");
        }
        assertEquals(List.of("a", "no newline"), tail.lines());
    }

    @Test
    void twoStreams_doNotMixTheirPartialLines() throws IOException {
        OutputTail tail = new OutputTail(5, 100);
        OutputStream out = tail.sink();
        OutputStream err = tail.sink();
        print(out, "building ");
        print(err, "warning: dirty tree\n");
        print(out, "the system\n");
        out.close();
        err.close();
        assertEquals(List.of("warning: dirty tree", "building the system"), tail.lines());
    }

    @Test
    void multiByteCharacters_surviveChunkBoundaries() throws IOException {
        OutputTail tail = new OutputTail(5, 100);
        byte[] bytes = "größe ✓\n".getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = tail.sink()) {
            for (byte b : bytes) {
                out.write(new byte[] {b}, 0, 1);
            }
        }
        assertEquals(List.of("größe ✓"), tail.lines());
    }

    @Test
    void zeroLines_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new OutputTail(0, 10));
    }
}
