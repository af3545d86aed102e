package dev.fleetplane.planner.lifecycle;

import java.util.List;

/**
 * The reactions one feature of the planner owns, for the reconciler's registry. Declared here so that other packages
 * (plan: the inventory a plan waits for) can react to pve.events without the lifecycle depending on them.
 */
public interface Reactions {

    List<Reaction<?>> reactions();
}
