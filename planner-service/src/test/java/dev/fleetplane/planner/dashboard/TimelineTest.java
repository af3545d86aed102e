package dev.fleetplane.planner.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {

    static final OffsetDateTime T0 = OffsetDateTime.parse("2026-12-07T10:00:00Z");

    @Test
    void eachStep_lastsUntilTheNextOneIsEntered_andTheCurrentOneUntilNow() {
        List<Timeline.Step> steps = Timeline.steps(List.of(
                new Timeline.Change("Pending", T0, "plan-1"),
                new Timeline.Change("Cloning", T0.plusSeconds(5), "plan-1"),
                new Timeline.Change("Ready", T0.plusSeconds(65), "plan-1")), T0.plusSeconds(100));
        assertEquals(List.of("Pending", "Cloning", "Ready"), steps.stream().map(Timeline.Step::state).toList());
        assertEquals(List.of(5L, 60L, 35L), steps.stream().map(Timeline.Step::seconds).toList());
        assertEquals(T0.plusSeconds(5), steps.get(0).leftAt());
        assertEquals(T0.plusSeconds(65), steps.get(1).leftAt());
        assertNull(steps.get(2).leftAt());
        assertEquals("plan-1", steps.get(1).correlationId());
    }

    @Test
    void aClockThatWentBackwards_neverGivesANegativeDuration() {
        List<Timeline.Step> steps = Timeline.steps(List.of(
                new Timeline.Change("Pending", T0, "p"),
                new Timeline.Change("Cloning", T0.minusSeconds(3), "p")), T0.minusSeconds(10));
        assertEquals(List.of(0L, 0L), steps.stream().map(Timeline.Step::seconds).toList());
    }

    @Test
    void noChanges_noSteps() {
        assertEquals(List.of(), Timeline.steps(List.of(), T0));
    }
}
