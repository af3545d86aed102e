package dev.fleetplane.planner.topics;

import dev.fleetplane.messaging.TopicStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last {@value #CAPACITY} looks at the broker, oldest first, and the rates between them: events written per second
 * to fleetplane's topics (their end offsets summed), the lag of the consumer groups on them, the dead letters held.
 * Pure and in memory: a restarted planner starts an empty history.
 */
public final class TopicHistory {

    /** How many readings are kept (an hour at the default 5 s interval). */
    public static final int CAPACITY = 720;

    /**
     * One look at the broker, reduced.
     *
     * @param events      the end offsets of every partition of the non-dead-letter topics, summed
     * @param lag         the lag of every consumer group on fleetplane's topics, summed
     * @param deadLetters the records held by the dead-letter topics
     * @param ends        each topic's end offsets summed
     */
    public record Reading(Instant time, long events, long lag, long deadLetters, Map<String, Long> ends) {

        public static Reading of(TopicStats.Snapshot s) {
            long events = 0;
            long dead = 0;
            Map<String, Long> ends = new TreeMap<>();
            for (TopicStats.TopicFigures t : s.topics()) {
                ends.put(t.name(), t.end());
                if (t.dlq()) {
                    dead += t.messages();
                } else {
                    events += t.end();
                }
            }
            long lag = s.groups().stream().mapToLong(TopicStats.GroupFigures::lag).sum();
            return new Reading(s.sampledAt(), events, lag, dead, Map.copyOf(ends));
        }
    }

    /** What the history shows of a reading: the rate since the one before (0 for the first). */
    public record Sample(Instant time, double eventsPerSecond, long lag, long deadLetters) {
    }

    private final Deque<Reading> readings = new ArrayDeque<>();
    private final int capacity;

    public TopicHistory() {
        this(CAPACITY);
    }

    TopicHistory(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(Reading r) {
        readings.addLast(r);
        while (readings.size() > capacity) {
            readings.removeFirst();
        }
    }

    /** The samples, oldest first. */
    public synchronized List<Sample> samples() {
        List<Sample> out = new ArrayList<>(readings.size());
        Reading previous = null;
        for (Reading r : readings) {
            double rate = previous == null ? 0 : rate(previous.events(), r.events(), previous.time(), r.time());
            out.add(new Sample(r.time(), rate, r.lag(), r.deadLetters()));
            previous = r;
        }
        return out;
    }

    /** Each topic's records written per second between the last two readings; empty until there are two. */
    public synchronized Map<String, Double> rates() {
        if (readings.size() < 2) {
            return Map.of();
        }
        var newestFirst = readings.descendingIterator();
        Reading last = newestFirst.next();
        Reading before = newestFirst.next();
        Map<String, Double> out = new TreeMap<>();
        last.ends().forEach((topic, end) -> {
            Long was = before.ends().get(topic);
            out.put(topic, was == null ? 0 : rate(was, end, before.time(), last.time()));
        });
        return out;
    }

    /**
     * Records per second between two end offsets: 0 when no time passed, and never negative (a topic deleted and
     * made again starts at 0).
     */
    static double rate(long before, long after, Instant from, Instant to) {
        double seconds = Duration.between(from, to).toNanos() / 1e9;
        if (seconds <= 0 || after <= before) {
            return 0;
        }
        return (after - before) / seconds;
    }
}
