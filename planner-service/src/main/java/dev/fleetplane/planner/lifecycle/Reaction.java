package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What the reconciler does with one kind of event of pve.events or provisioning.events, inside the event's
 * transaction. {@link Reactions} beans contribute them; the reconciler finds each by its kind.
 *
 * @param inPowerStories whether it also reacts to the events of a day-2 power story ({@link PowerStory}), which are
 *                       no answers of a plan's steps
 */
public record Reaction<T>(EventKind<T> kind, boolean inPowerStories, Body<T> body) {

    /** The reaction itself, given the event's data as its kind's record. */
    @FunctionalInterface
    public interface Body<T> {
        void react(Connection c, FleetEvent e, T data) throws SQLException;
    }

    /** A reaction to the events of plans; the events of day-2 power stories never reach it. */
    public static <T> Reaction<T> on(EventKind<T> kind, Body<T> body) {
        return new Reaction<>(kind, false, body);
    }

    /** The same reaction, also to the events of day-2 power stories. */
    public Reaction<T> alsoInPowerStories() {
        return new Reaction<>(kind, true, body);
    }

    void react(Connection c, FleetEvent e) throws SQLException {
        body.react(c, e, e.dataAs(kind));
    }
}
