package dev.fleetplane.provisioner.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.localstack.corpus.HostileCorpus;
import dev.fleetplane.provisioner.integrate.AgeRecipient;
import dev.fleetplane.provisioner.integrate.HostKeyFormatException;
import dev.fleetplane.provisioner.ssh.OutputTail;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The provisioner's part of the hostile-input corpus ({@code hostile-corpus/ssh/}, see its README): what a guest
 * prints over SSH, through the parsers that read it. A host key line becomes an age recipient or a
 * {@link HostKeyFormatException} in words (never another exception); a rebuild's output, however long, binary or
 * broken, stays a bounded tail of whole lines.
 */
class HostileSshOutputTest {

    @TestFactory
    Stream<DynamicTest> sshOutput() {
        List<HostileCorpus.Case> cases = HostileCorpus.of("ssh");
        HostileCorpus.printCount("ssh", cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            switch (c.expect("parser")) {
                case "host-key" -> hostKey(c);
                case "output-tail" -> outputTail(c);
                default -> throw new IllegalStateException(c + ": unknown parser " + c.expect("parser"));
            }
        }));
    }

    private static void hostKey(HostileCorpus.Case c) {
        // The SSH capture decodes the guest's bytes as UTF-8 (malformed bytes become U+FFFD), as here.
        String line = new String(c.bytes(), StandardCharsets.UTF_8);
        try {
            AgeRecipient r = AgeRecipient.fromPublicKeyLine(line);
            assertEquals("ok", c.expect("outcome"), c + ": read as " + r);
            assertTrue(r.value().startsWith(c.expect("result")), c + ": " + r.value());
        } catch (HostKeyFormatException e) {
            assertEquals("error", c.expect("outcome"), c + ": refused with " + e.getMessage());
            HostileCorpus.assertContains(c, "the error", e.getMessage(), c.expect("message"));
            assertTrue(e.getMessage().length() < 400, c + ": the error is " + e.getMessage().length() + " chars long");
            HostileCorpus.assertNoLeak(c, e.getMessage(), List.of());
        } catch (RuntimeException e) {
            throw new AssertionError(c + ": not a HostKeyFormatException but " + e, e);
        }
    }

    private static void outputTail(HostileCorpus.Case c) throws IOException {
        int maxLines = Integer.parseInt(c.expect("max-lines"));
        int maxLength = Integer.parseInt(c.expect("max-line-length"));
        OutputTail tail = new OutputTail(maxLines, maxLength);
        byte[] bytes = c.bytes();
        try (OutputStream out = tail.sink()) {
            // in pieces of odd sizes, as an SSH channel hands them over
            for (int i = 0; i < bytes.length; i += 8191) {
                out.write(bytes, i, Math.min(8191, bytes.length - i));
            }
        }
        List<String> lines = tail.lines();
        assertTrue(lines.size() <= maxLines, c + ": " + lines.size() + " lines kept");
        for (String l : lines) {
            assertTrue(l.length() <= maxLength + " …[cut]".length(), c + ": a line of " + l.length() + " chars kept");
        }
        String n = c.expect("lines", null);
        if (n != null) {
            assertEquals(Integer.parseInt(n), lines.size(), c + ": " + lines);
        }
        String last = c.expect("last", null);
        if (last != null) {
            assertEquals(last, lines.get(lines.size() - 1), c + ": " + lines);
        }
    }
}
