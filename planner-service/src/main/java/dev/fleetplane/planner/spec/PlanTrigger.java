package dev.fleetplane.planner.spec;

import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.plancore.spec.HostsSpec;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What accepting a spec version sets off: its plan. Declared here and implemented by plan's {@code Planning}, so the
 * intake does not depend on the planning, which depends on spec versions.
 */
public interface PlanTrigger {

    /** Called in the transaction that accepted {@code v}. */
    void start(Connection c, SpecVersion v, HostsSpec spec, FleetEvent accepted) throws SQLException;
}
