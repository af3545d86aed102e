package dev.fleetplane.planner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checks of {@link DeadLetterResource}'s input: topic, limit, partition and offset. */
class DeadLetterRequestsTest {

    @Test
    void onlyTheDeadLetterTopics_areKnown_andARefusalNamesThem() {
        assertEquals("pve.events.dlq", DeadLetterResource.knownTopic("pve.events.dlq"));
        ApiException e = assertThrows(ApiException.class, () -> DeadLetterResource.knownTopic("pve.events"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("'pve.events' is not a dead-letter topic; the dead-letter topics are "
                + "fleet.desired.dlq, fleet.plans.dlq, pve.commands.dlq, pve.events.dlq"), e.getMessage());
    }

    @Test
    void theLimit_isFiftyByDefault_andAtMost200() {
        assertEquals(50, DeadLetterResource.limit(null));
        assertEquals(200, DeadLetterResource.limit("200"));
        assertEquals("limit must be between 1 and 200, got 201",
                assertThrows(ApiException.class, () -> DeadLetterResource.limit("201")).getMessage());
        assertEquals("limit must be between 1 and 200, got 0",
                assertThrows(ApiException.class, () -> DeadLetterResource.limit("0")).getMessage());
        assertEquals("limit must be a whole number, got 'ten'",
                assertThrows(ApiException.class, () -> DeadLetterResource.limit("ten")).getMessage());
    }

    @Test
    void partitionsAndOffsets_areWholeNumbersInRange() {
        assertEquals(3L, DeadLetterResource.number("offset", "3", Long.MAX_VALUE));
        assertEquals("partition must be a whole number, got 'x'",
                assertThrows(ApiException.class, () -> DeadLetterResource.number("partition", "x", 10)).getMessage());
        assertEquals("offset must be between 0 and 10, got -1",
                assertThrows(ApiException.class, () -> DeadLetterResource.number("offset", "-1", 10)).getMessage());
        assertEquals(400, assertThrows(ApiException.class,
                () -> DeadLetterResource.number("partition", "99999999999", Integer.MAX_VALUE)).status());
    }
}
