package dev.fleetplane.adapter.commands;

/**
 * Carries out one kind of command: does the Proxmox I/O (outside any transaction) and returns what to
 * record. Proxmox failures become events in the outcome; only infrastructure trouble (database) throws.
 */
public interface CommandHandler {

    Outcome handle(Command command);
}
