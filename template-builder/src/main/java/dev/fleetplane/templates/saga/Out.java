package dev.fleetplane.templates.saga;

import dev.fleetplane.events.EventKind;

/** One message a saga move sends: a command to the adapter or a fact on templates.events (the kind knows its topic). */
public record Out<T>(EventKind<T> kind, T payload) {

    public static <T> Out<T> of(EventKind<T> kind, T payload) {
        return new Out<>(kind, payload);
    }
}
