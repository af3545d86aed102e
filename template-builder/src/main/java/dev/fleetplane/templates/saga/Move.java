package dev.fleetplane.templates.saga;

import java.util.List;

/** What the saga decided: the build's next row and what to send, written together in one transaction. */
public record Move(Build build, List<Out<?>> out) {

    public static Move to(Build build, Out<?>... out) {
        return new Move(build, List.of(out));
    }

    /** Nothing to do: the answer was stale or a duplicate. */
    public static Move none(Build build) {
        return new Move(build, List.of());
    }

    public boolean changed(Build before) {
        return !out.isEmpty() || !build.equals(before);
    }
}
