package dev.fleetplane.adapter.commands;

import dev.fleetplane.events.FleetEvent;

/**
 * A command taken from {@code pve.commands}: the event and the Kafka key it came with. Replies reuse
 * both: same key (so a host's events stay in order), same subject, causation = the command's id.
 */
public record Command(FleetEvent event, String kafkaKey) {

    public String host() {
        return event.subject();
    }
}
