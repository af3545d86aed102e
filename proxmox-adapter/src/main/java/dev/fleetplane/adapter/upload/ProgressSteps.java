package dev.fleetplane.adapter.upload;

/**
 * When an upload's progress is worth an event: at every step of about 8 % of the file ({@link #PARTS} steps), never
 * closer than {@link #MIN_STEP} bytes apart, and once when the last byte is sent; so an upload publishes at most
 * {@code PARTS + 1} progress events whatever its size. Pure; one instance per upload, fed by one thread.
 */
public final class ProgressSteps {

    /** Steps per upload: 12 gives one event per ~8.3 %. */
    public static final int PARTS = 12;
    /** Small files get fewer events rather than one per few kilobytes. */
    public static final long MIN_STEP = 1024 * 1024;

    private final long total;
    private final long step;
    private long next;
    private boolean done;

    public ProgressSteps(long total) {
        if (total < 0) {
            throw new IllegalArgumentException("upload size " + total + " is negative");
        }
        this.total = total;
        this.step = Math.max((total + PARTS - 1) / PARTS, MIN_STEP);
        this.next = Math.min(step, total);
    }

    /** True when {@code sent} bytes (a running total) reach the next step or the end, which this then moves past. */
    public boolean due(long sent) {
        if (done || sent < next) {
            return false;
        }
        if (sent >= total) {
            done = true;
            return true;
        }
        next = Math.min(total, (sent / step + 1) * step);
        return true;
    }
}
