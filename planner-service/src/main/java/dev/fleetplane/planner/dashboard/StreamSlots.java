package dev.fleetplane.planner.dashboard;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** How many live event streams each token holds open, so that one token cannot take every connection. */
@ApplicationScoped
public class StreamSlots {

    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    /** Takes a slot for {@code token}; false when it holds {@code max} already. */
    boolean take(String token, int max) {
        AtomicInteger n = open.computeIfAbsent(token, t -> new AtomicInteger());
        for (;;) {
            int now = n.get();
            if (now >= max) {
                return false;
            }
            if (n.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release(String token) {
        open.computeIfPresent(token, (t, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Open streams of every token. */
    public int total() {
        return open.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
