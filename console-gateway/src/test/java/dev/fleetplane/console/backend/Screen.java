package dev.fleetplane.console.backend;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A test's listener: keeps the output, waits for text in it, and records how the line ended (and how often). */
final class Screen implements BackendListener {

    record Closed(String reason, boolean byRemote) {
    }

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ByteArrayOutputStream output = new ByteArrayOutputStream(); // guarded by this
    private int consumed; // guarded by this: where the next wait starts reading
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final AtomicInteger closings = new AtomicInteger();

    @Override
    public synchronized void onOutput(byte[] bytes) {
        output.write(bytes, 0, bytes.length);
        notifyAll();
    }

    @Override
    public void onClosed(String reason, boolean byRemote) {
        closings.incrementAndGet();
        closed.complete(new Closed(reason, byRemote));
        synchronized (this) {
            notifyAll();
        }
    }

    /** The output from the last wait's end up to and including {@code text}; fails after 15 s or when the line ends. */
    synchronized String awaitText(String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String all = output.toString(StandardCharsets.UTF_8);
            int at = all.indexOf(text, consumed);
            if (at >= 0) {
                String seen = all.substring(consumed, at + text.length());
                consumed = at + text.length();
                return seen;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed.isDone()) {
                throw new AssertionError("no '" + text + "' in the console output"
                        + (closed.isDone() ? " (the line ended: " + closed.join() + ")" : " within " + WAIT)
                        + "; got: " + all.substring(consumed));
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    Closed awaitClosed() throws Exception {
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
