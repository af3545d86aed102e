package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.VmStarted;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoryContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void anEventsStory_isInTheMdc_whileItsScopeIsOpen_andGoneAfter() {
        FleetEvent e = FleetEvent.create(EventCatalog.VM_STARTED, "/fleetplane/proxmox-adapter", "web-1",
                new VmStarted("pve", 901, "UPID:1"), "corr-1");

        try (StoryContext.Scope s = StoryContext.of(e, Topics.PVE_EVENTS, "web-1").open()) {
            assertEquals("web-1", MDC.get(StoryContext.HOST));
            assertEquals("corr-1", MDC.get(StoryContext.CORRELATION_ID));
            assertEquals(e.id(), MDC.get(StoryContext.EVENT_ID));
            assertEquals("[host=web-1 corr=corr-1 event=" + e.id() + "] ", MDC.get(StoryContext.STORY));
        }

        assertNull(MDC.get(StoryContext.HOST));
        assertNull(MDC.get(StoryContext.STORY));
    }

    @Test
    void onAFleetTopic_theKeyIsTheFleet_andAFleetWideSubjectIsNoHost() {
        StoryContext story = StoryContext.of(new FleetEvent("e-1", EventCatalog.SPEC_ACCEPTED.type(), "s", "prod",
                java.time.OffsetDateTime.now(), "c", null, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()), Topics.FLEET_DESIRED, "prod");

        assertEquals("prod", story.fleet());
        assertNull(story.host());
    }

    @Test
    void theCurrentStory_travelsToAnotherThread() throws Exception {
        StoryContext carried;
        try (StoryContext.Scope s = StoryContext.forHost("prod", "web-1", "corr-1").open()) {
            carried = StoryContext.current();
        }
        java.util.concurrent.atomic.AtomicReference<Object> seen = new java.util.concurrent.atomic.AtomicReference<>();
        Thread worker = new Thread(() -> {
            try (StoryContext.Scope s = carried.open()) {
                seen.set(MDC.get(StoryContext.STORY));
            }
        });
        worker.start();
        worker.join();

        assertEquals("[fleet=prod host=web-1 corr=corr-1] ", seen.get());
    }

    @Test
    void aNestedScope_addsWhatItKnows_andRestoresTheOuterStory() {
        try (StoryContext.Scope outer = StoryContext.forHost(null, "web-1", "corr-1").open()) {
            try (StoryContext.Scope inner = new StoryContext(null, null, null, null, "cmd-9", null).open()) {
                assertEquals("[host=web-1 corr=corr-1 event=cmd-9] ", MDC.get(StoryContext.STORY));
            }
            assertEquals("[host=web-1 corr=corr-1] ", MDC.get(StoryContext.STORY));
            assertNull(MDC.get(StoryContext.EVENT_ID));
        }
    }
}
