package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostLifecycleTest {

    @Test
    void happyPath_goesCloneConfigureStartProvisionReady() {
        assertEquals(Optional.of(HostState.Configuring), HostLifecycle.next(HostState.Cloning, EventCatalog.VM_CLONED));
        assertEquals(Optional.of(HostState.Starting), HostLifecycle.next(HostState.Configuring, EventCatalog.VM_CONFIGURED));
        assertEquals(Optional.of(HostState.Provisioning), HostLifecycle.next(HostState.Starting, EventCatalog.VM_STARTED));
        assertEquals(Optional.of(HostState.Ready),
                HostLifecycle.next(HostState.Provisioning, EventCatalog.PROVISIONING_SUCCEEDED));
    }

    @Test
    void lateOrDuplicateEvents_moveNothing() {
        assertEquals(Optional.empty(), HostLifecycle.next(HostState.Configuring, EventCatalog.VM_CLONED));
        assertEquals(Optional.empty(), HostLifecycle.next(HostState.Ready, EventCatalog.VM_STARTED));
        assertEquals(Optional.empty(), HostLifecycle.next(HostState.Cloning, EventCatalog.VM_STARTED));
        assertEquals(Optional.empty(), HostLifecycle.next(HostState.Adopted, EventCatalog.PROVISIONING_SUCCEEDED));
    }

    @Test
    void failures_failOnlyHostsWithAStepRunning() {
        assertEquals(Optional.of(HostState.Failed), HostLifecycle.next(HostState.Cloning, EventCatalog.PVE_OPERATION_FAILED));
        assertEquals(Optional.of(HostState.Failed),
                HostLifecycle.next(HostState.Provisioning, EventCatalog.PROVISIONING_FAILED));
        assertEquals(Optional.empty(), HostLifecycle.next(HostState.Adopted, EventCatalog.PVE_OPERATION_FAILED));
        assertEquals(Optional.empty(), HostLifecycle.next(HostState.Ready, EventCatalog.PROVISIONING_FAILED));
    }

    @Test
    void onlyAPlan_startsOrRestartsAHost() {
        assertTrue(HostLifecycle.allowed(null, HostState.Cloning));
        assertTrue(HostLifecycle.allowed(null, HostState.Adopted));
        assertFalse(HostLifecycle.allowed(null, HostState.Ready));
        assertTrue(HostLifecycle.allowed(HostState.Failed, HostState.Cloning));
        assertTrue(HostLifecycle.allowed(HostState.Ready, HostState.Cloning));
        assertFalse(HostLifecycle.allowed(HostState.Cloning, HostState.Cloning), "a running clone is not restarted");
        assertFalse(HostLifecycle.allowed(HostState.Provisioning, HostState.Adopted));
    }

    @Test
    void unrelatedEvents_moveNothing() {
        assertEquals(Optional.empty(), HostLifecycle.next(HostState.Cloning, EventCatalog.INVENTORY_OBSERVED));
        assertEquals(Optional.empty(), HostLifecycle.next(null, EventCatalog.VM_CLONED));
    }
}
