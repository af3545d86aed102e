package dev.fleetplane.templates.build;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Bounds what a build's output becomes, pure: lines cut to a length, grouped into batches of a size, at most a budget
 * of lines published in all (later ones only counted), and the last lines kept for a rejection's reason.
 */
public final class OutputBatches {

    /** One batch to publish: its number (from 1), its lines, and how many lines were dropped so far. */
    public record Batch(int seq, List<String> lines, long dropped) {
    }

    private static final int TAIL = 20;

    private final int maxLineLength;
    private final int perBatch;
    private final int budget;
    private final List<String> pending = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private int seq;
    private long published;
    private long dropped;
    private long droppedReported;

    public OutputBatches(int maxLineLength, int perBatch, int budget) {
        if (maxLineLength < 1 || perBatch < 1 || budget < 0) {
            throw new IllegalArgumentException("line length and batch size must be positive, the budget not negative");
        }
        this.maxLineLength = maxLineLength;
        this.perBatch = perBatch;
        this.budget = budget;
    }

    /** Takes one line; returns a full batch to publish, or null. */
    public Batch add(String line) {
        String cut = line.length() > maxLineLength ? line.substring(0, maxLineLength) + " …(cut)" : line;
        tail.addLast(cut);
        if (tail.size() > TAIL) {
            tail.removeFirst();
        }
        if (published + pending.size() >= budget) {
            dropped++;
            return null;
        }
        pending.add(cut);
        return pending.size() >= perBatch ? take() : null;
    }

    /** What is left at the end (null when nothing is): the last batch, or only the dropped count changed. */
    public Batch flush() {
        if (!pending.isEmpty()) {
            return take();
        }
        if (dropped == droppedReported) {
            return null;
        }
        droppedReported = dropped;
        return new Batch(++seq, List.of(), dropped);
    }

    /** The last lines printed, cut, for a rejection. */
    public List<String> tail() {
        return List.copyOf(tail);
    }

    private Batch take() {
        Batch b = new Batch(++seq, List.copyOf(pending), dropped);
        droppedReported = dropped;
        published += pending.size();
        pending.clear();
        return b;
    }
}
