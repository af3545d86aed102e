package dev.fleetplane.console.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Keeps typed passwords out of the transcript: once the VM's output ends in a password prompt ({@code Password:},
 * {@code [sudo] password for root:}, {@code Enter passphrase for key …:}), the input up to the next line end is
 * replaced by {@value #MARK}. It watches one console's output and input in the order they happened. Pure.
 */
public final class PasswordRedactor {

    /** What stands in the transcript for a typed secret. */
    public static final String MARK = "[redacted]";

    private static final Pattern PROMPT = Pattern.compile("(?is).*(assword|passphrase)[^\\n]{0,80}:\\s*$");
    private static final int TAIL = 160;

    private final StringBuilder tail = new StringBuilder();
    private boolean redacting;

    /** Output from the VM: remembers whether it now waits for a secret. */
    public void output(byte[] bytes) {
        tail.append(new String(bytes, StandardCharsets.ISO_8859_1)); // prompts are ASCII; one char per byte
        if (tail.length() > TAIL) {
            tail.delete(0, tail.length() - TAIL);
        }
        if (PROMPT.matcher(tail).matches()) {
            redacting = true;
        }
    }

    /**
     * Input typed by an operator, as the transcript keeps it: unchanged, or with the secret left out. The mark is
     * written once, with the line end that finishes the secret.
     */
    public byte[] input(byte[] bytes) {
        if (!redacting) {
            return bytes;
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (redacting && (b == '\r' || b == '\n')) {
                redacting = false;
                tail.setLength(0);
                kept.writeBytes(MARK.getBytes(StandardCharsets.US_ASCII));
                kept.write(b);
            } else if (!redacting) {
                kept.write(b);
            }
        }
        return kept.toByteArray();
    }

    /** Whether input is being left out now (a prompt was seen and no line end typed yet). */
    public boolean redacting() {
        return redacting;
    }
}
