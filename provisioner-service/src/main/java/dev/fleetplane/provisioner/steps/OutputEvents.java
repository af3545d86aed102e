package dev.fleetplane.provisioner.steps;

import java.util.ArrayList;
import java.util.List;

/**
 * Streams a rebuild's output as {@code RebuildOutput} batches while it runs: a batch goes out when it holds
 * {@code batchLines} lines or a second has passed since the last one, at most {@code maxBatches} per rebuild; later
 * lines are only counted (the final tail in {@code RebuildSucceeded}/{@code ProvisioningFailed} still has the end).
 * Thread-safe: stdout and stderr pumps both feed it.
 */
final class OutputEvents {

    /** Publishes one batch (in its own transaction). */
    interface Publisher {
        void publish(int seq, List<String> lines, long droppedBefore);
    }

    private static final long FLUSH_NANOS = 1_000_000_000L;

    private final int batchLines;
    private final int maxBatches;
    private final Publisher publisher;
    private final List<String> batch = new ArrayList<>();
    private int published;
    private long dropped;
    private long lastFlush = System.nanoTime();

    OutputEvents(int batchLines, int maxBatches, Publisher publisher) {
        this.batchLines = Math.max(1, batchLines);
        this.maxBatches = Math.max(0, maxBatches);
        this.publisher = publisher;
    }

    synchronized void line(String line) {
        if (published >= maxBatches) {
            dropped++;
            return;
        }
        batch.add(line);
        if (batch.size() >= batchLines || System.nanoTime() - lastFlush >= FLUSH_NANOS) {
            flush();
        }
    }

    /** Sends what is left (call once the command ended). */
    synchronized void finish() {
        if (!batch.isEmpty() && published < maxBatches) {
            flush();
        }
    }

    synchronized long dropped() {
        return dropped;
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<String> lines = List.copyOf(batch);
        batch.clear();
        published++;
        lastFlush = System.nanoTime();
        try {
            publisher.publish(published, lines, dropped);
        } catch (RuntimeException e) {
            // Progress output is best effort: the rebuild goes on, the final tail still reports the end.
            dropped += lines.size();
        }
    }
}
