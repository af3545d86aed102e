package dev.fleetplane.planner.dashboard;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** A host's story as steps: each state it entered, how long it stayed (until the next state, or until now). Pure. */
public final class Timeline {

    /** One {@code HostStateChanged} as the log has it: the state entered, when, in which story. */
    public record Change(String state, OffsetDateTime at, String correlationId) {
    }

    /**
     * One state the host was in.
     *
     * @param leftAt  when the next state was entered; null for the state it is in now
     * @param seconds from entering to leaving (to {@code now} for the current one), never negative
     */
    public record Step(String state, OffsetDateTime enteredAt, OffsetDateTime leftAt, long seconds,
                       String correlationId) {
    }

    private Timeline() {
    }

    /** The steps of {@code changes} (in log order). */
    public static List<Step> steps(List<Change> changes, OffsetDateTime now) {
        List<Step> out = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            OffsetDateTime left = i + 1 < changes.size() ? changes.get(i + 1).at() : null;
            OffsetDateTime end = left != null ? left : now;
            long seconds = Math.max(0, Duration.between(c.at(), end).toSeconds());
            out.add(new Step(c.state(), c.at(), left, seconds, c.correlationId()));
        }
        return out;
    }
}
