package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PowerStoryTest {

    @Test
    void powerStories_areRecognisedByTheirCorrelationId() {
        assertTrue(PowerStory.is("power-3f2a"));
        assertFalse(PowerStory.is("plan-4-abcdef12"));
        assertFalse(PowerStory.is("spec-4"));
        assertFalse(PowerStory.is(null));
    }

    @Test
    void aNewStory_isAPowerStory_andNeverTheSameTwice() {
        String story = PowerStory.newId();
        assertTrue(PowerStory.is(story), story);
        assertNotEquals(story, PowerStory.newId());
    }
}
