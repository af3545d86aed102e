package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.messaging.EventConsumer.Admission;
import org.junit.jupiter.api.Test;

class EventConsumerTest {

    @Test
    void aConsumerOfEveryType_handlesEverything() {
        assertEquals(Admission.HANDLE, EventConsumer.named("planner").admit(EventCatalog.VM_CLONED.type()));
    }

    @Test
    void aTypeOutsideWhatItHandles_isDeadLettered_namingTheAcceptedTypes() {
        EventConsumer c = EventConsumer.named("proxmox-adapter").handling(EventCatalog.START_VM, EventCatalog.CLONE_VM);

        assertEquals(Admission.HANDLE, c.admit(EventCatalog.START_VM.type()));
        assertEquals(Admission.DEAD_LETTER, c.admit(EventCatalog.VM_STARTED.type()));
        assertEquals("fleetplane.vm.started.v1 (event e-1) is not a type proxmox-adapter handles; expected one of "
                + "fleetplane.vm.clone-requested.v1, fleetplane.vm.start-requested.v1",
                c.refusal(EventCatalog.VM_STARTED.type(), "e-1"));
    }

    @Test
    void onASharedTopic_otherTypesAreSkipped() {
        EventConsumer c = EventConsumer.named("provisioner.pve-events").handlingOnly(EventCatalog.GUEST_NETWORK_REPORTED);

        assertEquals(Admission.SKIP, c.admit(EventCatalog.VM_CLONED.type()));
    }

    @Test
    void ignoredTypes_areSkipped_evenWhereOthersAreDeadLettered() {
        EventConsumer c = EventConsumer.named("planner-desired").handling(EventCatalog.SPEC_SUBMITTED)
                .ignoring(EventCatalog.SPEC_ACCEPTED);

        assertEquals(Admission.SKIP, c.admit(EventCatalog.SPEC_ACCEPTED.type()));
        assertEquals(Admission.DEAD_LETTER, c.admit(EventCatalog.SPEC_REJECTED.type()));
    }
}
