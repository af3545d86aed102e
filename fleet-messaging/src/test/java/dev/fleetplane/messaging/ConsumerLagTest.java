package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ConsumerLagTest {

    static final TopicPartition P0 = new TopicPartition("pve.events", 0);
    static final TopicPartition P1 = new TopicPartition("pve.events", 1);
    static final TopicPartition P2 = new TopicPartition("pve.events", 2);

    @Test
    void lag_isTheEndOffsetMinusTheCommittedOne_neverBelowZero_andOnlyWhereTheGroupCommitted() {
        Map<TopicPartition, Long> lag = ConsumerLag.lag(Map.of(P0, 10L, P1, 7L), Map.of(P0, 15L, P1, 6L, P2, 40L));
        assertEquals(Map.of(P0, 5L, P1, 0L), lag);
    }

    @Test
    void groups_areReadFromTheIncomingChannelsConfig() {
        assertEquals(Set.of("mp.messaging.incoming.pve-events.group.id", "mp.messaging.incoming.desired.group.id"),
                ConsumerLag.groupProperties(List.of("mp.messaging.incoming.pve-events.group.id",
                        "mp.messaging.incoming.desired.group.id", "mp.messaging.incoming.desired.topic",
                        "mp.messaging.outgoing.x.group.id", "kafka.bootstrap.servers")));
    }

    @Test
    void aTypeOutsideTheCatalogue_isCountedAsUnknown() {
        assertEquals("fleetplane.vm.cloned.v1", FleetMetrics.knownType("fleetplane.vm.cloned.v1"));
        assertEquals("unknown", FleetMetrics.knownType("com.example.anything.v9"));
        assertEquals("unknown", FleetMetrics.knownType(null));
    }
}
