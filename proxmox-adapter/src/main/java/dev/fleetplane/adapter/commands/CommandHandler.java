package dev.fleetplane.adapter.commands;

import dev.fleetplane.events.EventKind;

/**
 * Carries out one kind of command: does the Proxmox I/O (outside any transaction) and returns what to
 * record. Proxmox failures become events in the outcome; only infrastructure trouble (database) throws.
 */
public interface CommandHandler {

    /** The command this handler carries out; {@link CommandHandlers} hands it every event of this kind. */
    EventKind<?> kind();

    Outcome handle(Command command);
}
