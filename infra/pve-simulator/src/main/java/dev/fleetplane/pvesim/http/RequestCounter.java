package dev.fleetplane.pvesim.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the API requests the simulator answered, per endpoint ({@code GET /cluster/resources},
 * {@code GET /nodes/{node}/qemu/{vmid}/config}, …), so tests can state what an operation costs in Proxmox calls.
 * Requests that match no route are counted under their method and literal path.
 */
public final class RequestCounter {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void count(String endpoint) {
        counts.computeIfAbsent(endpoint, e -> new LongAdder()).increment();
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long of(String endpoint) {
        LongAdder n = counts.get(endpoint);
        return n == null ? 0 : n.sum();
    }

    /** A sorted snapshot; endpoints never called are absent. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            long n = v.sum();
            if (n > 0) {
                out.put(k, n);
            }
        });
        return out;
    }

    public void reset() {
        counts.clear();
    }
}
