package dev.fleetplane.planner.dashboard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFilterTest {

    static LoggedEvent event(String subject, String type, String corr) {
        return new LoggedEvent(1, "id", type, "/src", subject, OffsetDateTime.parse("2026-12-07T10:00:00Z"), corr,
                null, "pve.events", 0, 0, null);
    }

    static final HostScope EVERY = HostScope.every();
    static final HostScope WEB = HostScope.of("it-web", List.of("web*"));

    @Test
    void noFilters_passEverything_inAnUnlimitedScope() {
        StreamFilter f = new StreamFilter(null, null, null, EVERY);
        assertTrue(f.matches(event("db", "fleetplane.vm.started.v1", "c")));
        assertTrue(f.matches(event(null, "fleetplane.spec.accepted.v1", null)), "an event about no host");
    }

    @Test
    void theType_matchesTheFullTypeOrItsNameWithoutTheVersion() {
        assertTrue(new StreamFilter(null, "fleetplane.vm.started", null, EVERY)
                .matches(event("a", "fleetplane.vm.started.v1", null)));
        assertTrue(new StreamFilter(null, "fleetplane.vm.started.v1", null, EVERY)
                .matches(event("a", "fleetplane.vm.started.v1", null)));
        assertFalse(new StreamFilter(null, "fleetplane.vm.start", null, EVERY)
                .matches(event("a", "fleetplane.vm.started.v1", null)), "a prefix of the name is not the name");
        assertFalse(new StreamFilter(null, "fleetplane.vm.started.v2", null, EVERY)
                .matches(event("a", "fleetplane.vm.started.v1", null)));
    }

    @Test
    void hostAndCorrelation_mustBeEqual() {
        StreamFilter f = new StreamFilter("web", null, "plan-1", EVERY);
        assertTrue(f.matches(event("web", "t.v1", "plan-1")));
        assertFalse(f.matches(event("web-2", "t.v1", "plan-1")));
        assertFalse(f.matches(event("web", "t.v1", "plan-2")));
        assertFalse(f.matches(event("web", "t.v1", null)));
    }

    @Test
    void aLimitedScope_dropsEventsAboutOtherSubjects_andAboutNone() {
        StreamFilter f = new StreamFilter(null, null, null, WEB);
        assertTrue(f.matches(event("web-1", "t.v1", null)));
        assertFalse(f.matches(event("db", "t.v1", null)));
        assertFalse(f.matches(event(null, "t.v1", null)));
    }
}
