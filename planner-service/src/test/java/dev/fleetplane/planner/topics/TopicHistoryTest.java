package dev.fleetplane.planner.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.messaging.TopicStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicHistoryTest {

    static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    static TopicStats.Snapshot snapshot(Instant at, long pveEnd, long desiredEnd, long dlqEarliest, long dlqEnd,
                                        long lag) {
        return new TopicStats.Snapshot(at, List.of(
                new TopicStats.TopicFigures("pve.events", false, List.of(
                        new TopicStats.PartitionOffsets(0, 0, pveEnd / 2),
                        new TopicStats.PartitionOffsets(1, 0, pveEnd - pveEnd / 2))),
                new TopicStats.TopicFigures("fleet.desired", false, List.of(
                        new TopicStats.PartitionOffsets(0, 0, desiredEnd))),
                new TopicStats.TopicFigures("pve.events.dlq", true, List.of(
                        new TopicStats.PartitionOffsets(0, dlqEarliest, dlqEnd)))),
                List.of(new TopicStats.GroupFigures("planner.pve-events", List.of(
                        new TopicStats.GroupPartition("pve.events", 0, pveEnd / 2 - lag, pveEnd / 2, lag)), lag)));
    }

    @Test
    void aReading_sumsTheEndOffsetsOfTheFleetTopics_theLagOfTheGroups_andTheDeadLettersHeld() {
        TopicHistory.Reading r = TopicHistory.Reading.of(snapshot(T0, 100, 7, 3, 10, 4));
        assertEquals(107, r.events(), "dead-letter topics are not events");
        assertEquals(4, r.lag());
        assertEquals(7, r.deadLetters(), "what the DLQ holds: end minus earliest");
        assertEquals(Map.of("pve.events", 100L, "fleet.desired", 7L, "pve.events.dlq", 10L), r.ends());
    }

    @Test
    void samples_carryTheEventRateSinceTheReadingBefore_andRates_arePerTopicFromTheLastTwo() {
        TopicHistory h = new TopicHistory();
        assertEquals(Map.of(), h.rates(), "no rate from one reading");
        h.add(TopicHistory.Reading.of(snapshot(T0, 100, 7, 0, 1, 0)));
        h.add(TopicHistory.Reading.of(snapshot(T0.plusSeconds(5), 150, 7, 0, 1, 2)));
        h.add(TopicHistory.Reading.of(snapshot(T0.plusSeconds(10), 160, 12, 0, 3, 0)));

        List<TopicHistory.Sample> s = h.samples();
        assertEquals(List.of(new TopicHistory.Sample(T0, 0, 0, 1),
                new TopicHistory.Sample(T0.plusSeconds(5), 10.0, 2, 1),
                new TopicHistory.Sample(T0.plusSeconds(10), 3.0, 0, 3)), s);
        assertEquals(Map.of("pve.events", 2.0, "fleet.desired", 1.0, "pve.events.dlq", 0.4), h.rates());
    }

    @Test
    void theHistory_keepsItsCapacity_droppingTheOldest() {
        TopicHistory h = new TopicHistory(3);
        for (int i = 0; i < 5; i++) {
            h.add(TopicHistory.Reading.of(snapshot(T0.plusSeconds(i), i, 0, 0, 0, 0)));
        }
        assertEquals(List.of(T0.plusSeconds(2), T0.plusSeconds(3), T0.plusSeconds(4)),
                h.samples().stream().map(TopicHistory.Sample::time).toList());
        assertEquals(720, TopicHistory.CAPACITY, "an hour at 5 s");
    }

    @Test
    void aRate_isZeroWithoutTimeOrWhenTheOffsetWentBack() {
        assertEquals(0, TopicHistory.rate(10, 20, T0, T0));
        assertEquals(0, TopicHistory.rate(10, 5, T0, T0.plusSeconds(1)), "a topic made again starts at 0");
        assertEquals(4.0, TopicHistory.rate(0, 2, T0, T0.plusMillis(500)));
    }

    @Test
    void theOverview_countsDeadLettersPerTopic_andTakesTheRates() {
        TopicsOverview o = TopicsOverview.of(snapshot(T0, 100, 7, 3, 10, 4), Map.of("pve.events", 2.5));
        assertEquals(7, o.deadLetters().total());
        assertEquals(Map.of("pve.events.dlq", 7L), o.deadLetters().byTopic());
        assertEquals(2.5, o.topics().get(0).ratePerSecond());
        assertEquals(100, o.topics().get(0).messages());
        assertEquals(0.0, o.topics().get(1).ratePerSecond(), "no rate yet: 0");
    }
}
