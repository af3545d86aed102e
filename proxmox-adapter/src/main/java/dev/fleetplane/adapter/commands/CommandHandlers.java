package dev.fleetplane.adapter.commands;

import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which handler carries out which command, by the kind each handler declares, so the consumer knows no handler and a
 * new command is one new handler. Built at start-up: two handlers for one kind stop the adapter, naming both.
 */
@Startup
@Singleton
public class CommandHandlers {

    private final Map<String, CommandHandler> byType = new TreeMap<>();

    @Inject
    public CommandHandlers(@All List<CommandHandler> handlers) {
        for (CommandHandler handler : handlers) {
            CommandHandler other = byType.putIfAbsent(handler.kind().type(), handler);
            if (other != null) {
                throw new IllegalStateException("two handlers for " + handler.kind().type() + ": "
                        + other.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
    }

    /** The command kinds handled: what {@code pve.commands}' consumer admits. */
    public EventKind<?>[] kinds() {
        return byType.values().stream().map(CommandHandler::kind).toArray(EventKind<?>[]::new);
    }

    public Optional<CommandHandler> forEvent(FleetEvent event) {
        return Optional.ofNullable(byType.get(event.type()));
    }

    /** The command types handled, sorted, for the reason of a dead letter. */
    public String accepted() {
        return String.join(", ", byType.keySet());
    }
}
