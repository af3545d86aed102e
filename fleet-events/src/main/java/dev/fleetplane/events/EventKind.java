package dev.fleetplane.events;

import java.util.regex.Pattern;

/**
 * One kind of event or command: its CloudEvents {@code type} (which carries the schema version), the
 * record its data maps to, and the topic it travels on.
 */
public record EventKind<T>(String name, int schemaVersion, Class<T> dataType, String topic) {

    private static final Pattern NAME = Pattern.compile("fleetplane\\.[a-z]+(-[a-z]+)*\\.[a-z]+(-[a-z]+)*");

    public EventKind {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("event name must read fleetplane.<noun>.<verb-past>: " + name);
        }
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schema version must be 1 or more: " + name);
        }
    }

    /** The CloudEvents {@code type}, e.g. {@code fleetplane.vm.cloned.v1}. */
    public String type() {
        return name + ".v" + schemaVersion;
    }

    @Override
    public String toString() {
        return type();
    }
}
