package dev.fleetplane.bench.console;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Types one printable character per keystroke ({@code a}..{@code z} in turn) into a logged-in shell line and times
 * until its echo byte reaches each watching screen. Before the line grows past {@code lineLength} it is erased with as
 * many DEL bytes in one message, untimed (the line discipline echoes each as {@code \b \b}), so every keystroke meets
 * the same short line.
 */
final class Typist {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final byte DEL = 0x7f;

    private final Keyboard keyboard;
    private final List<Screen> screens;
    private final int lineLength;
    private int onLine;
    private int next;

    Typist(Keyboard keyboard, List<Screen> screens, int lineLength) {
        this.keyboard = keyboard;
        this.screens = List.copyOf(screens);
        this.lineLength = lineLength;
    }

    /** One keystroke; per watching screen (in order) the nanoseconds from sending it to its echo's arrival there. */
    long[] keystroke() throws InterruptedException {
        if (onLine >= lineLength) {
            erase();
        }
        byte c = (byte) ('a' + next++ % 26);
        long sent = System.nanoTime();
        keyboard.type(new byte[] {c});
        long[] latencies = new long[screens.size()];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = screens.get(i).awaitByte(c, TIMEOUT) - sent;
        }
        onLine++;
        return latencies;
    }

    private void erase() throws InterruptedException {
        byte[] dels = new byte[onLine];
        Arrays.fill(dels, DEL);
        keyboard.type(dels);
        String echo = "\b \b".repeat(onLine);
        for (Screen s : screens) {
            s.awaitText(echo, TIMEOUT);
        }
        onLine = 0;
    }
}
