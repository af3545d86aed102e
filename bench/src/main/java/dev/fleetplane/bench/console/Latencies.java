package dev.fleetplane.bench.console;

import java.util.Arrays;

/** Latency samples in nanoseconds and their nearest-rank percentiles, printed in milliseconds. */
final class Latencies {

    private long[] nanos = new long[1024];
    private int size;

    void add(long sample) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = sample;
    }

    int count() {
        return size;
    }

    /** Nearest rank: the smallest sample with at least {@code p} percent of the samples at or below it. */
    double percentileMillis(double p) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size, rank) - 1)] / 1e6;
    }

    String summary() {
        return String.format("p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms (n=%d)", percentileMillis(50),
                percentileMillis(90), percentileMillis(99), percentileMillis(100), size);
    }
}
