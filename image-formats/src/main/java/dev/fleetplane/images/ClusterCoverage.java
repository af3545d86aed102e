package dev.fleetplane.images;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which clusters of one device an archive has delivered, as merged ranges: memory grows with the gaps, not with
 * the device's size, so a header claiming a huge disk cannot make the verifier allocate a huge bitmap.
 */
final class ClusterCoverage {

    private final TreeMap<Long, Long> ranges = new TreeMap<>(); // start → end (exclusive)

    /** Marks {@code cluster} delivered; false when it already was (a duplicate). */
    boolean add(long cluster) {
        Map.Entry<Long, Long> below = ranges.floorEntry(cluster);
        if (below != null && cluster < below.getValue()) {
            return false;
        }
        long start = cluster;
        long end = cluster + 1;
        if (below != null && below.getValue() == cluster) {
            start = below.getKey();
            ranges.remove(below.getKey());
        }
        Long next = ranges.get(end);
        if (next != null) {
            ranges.remove(end);
            end = next;
        }
        ranges.put(start, end);
        return true;
    }

    /** The first cluster below {@code count} not delivered, or -1 when all are. */
    long firstMissing(long count) {
        if (count == 0) {
            return -1;
        }
        Map.Entry<Long, Long> first = ranges.firstEntry();
        if (first == null || first.getKey() > 0) {
            return 0;
        }
        return first.getValue() >= count ? -1 : first.getValue();
    }
}
