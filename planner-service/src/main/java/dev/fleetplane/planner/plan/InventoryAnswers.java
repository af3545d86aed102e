package dev.fleetplane.planner.plan;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.planner.lifecycle.Reaction;
import dev.fleetplane.planner.lifecycle.Reactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The planner's reaction to {@code InventoryObserved} on pve.events: the inventory a spec version, a fresh plan, an
 * apply or a day-2 power action waits for ({@link Planning#onInventory}). Computing a plan marks the hosts it would
 * change as Drifted ({@code HostScheduler.observePlan}).
 */
@ApplicationScoped
public class InventoryAnswers implements Reactions {

    @Inject
    Planning planning;

    @Override
    public List<Reaction<?>> reactions() {
        // A day-2 power action's inventory look is answered like a plan's.
        return List.of(Reaction.on(EventCatalog.INVENTORY_OBSERVED, (c, e, inventory) -> planning.onInventory(c, e))
                .alsoInPowerStories());
    }
}
