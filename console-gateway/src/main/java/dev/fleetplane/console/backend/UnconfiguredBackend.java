package dev.fleetplane.console.backend;

import dev.fleetplane.console.backend.BackendException.Kind;
import java.util.Optional;

/**
 * The chosen backend when none of its credentials is set: the gateway still starts (./fleetplane up starts it beside
 * the other services, with or without a console user), says so loudly, and refuses every console with the keys to
 * set. A backend with some of its settings but not all is refused at startup instead ({@link BackendSettings}).
 */
public final class UnconfiguredBackend implements ConsoleBackend {

    private final String name;
    private final String missing;

    /** @param missing what to set, naming the keys and their environment variables */
    public UnconfiguredBackend(String name, String missing) {
        this.name = name;
        this.missing = missing;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<ConsoleTarget> locate(String host) throws BackendException {
        throw refusal();
    }

    @Override
    public BackendConnection open(ConsoleTarget target, int cols, int rows, BackendListener listener)
            throws BackendException {
        throw refusal();
    }

    private BackendException refusal() {
        return new BackendException(Kind.UNAUTHORIZED, "the console gateway has no credentials for its " + name
                + " backend: " + missing);
    }
}
