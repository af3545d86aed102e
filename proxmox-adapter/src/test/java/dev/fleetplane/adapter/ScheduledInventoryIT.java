package dev.fleetplane.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.adapter.inventory.InventorySchedule;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inventory published without anyone asking: at once and on a schedule, again when the fleet changed, and not
 * again for an unchanged fleet although the adapter keeps looking.
 */
@QuarkusTest
@TestProfile(ScheduledInventoryIT.EverySecond.class)
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true)
class ScheduledInventoryIT {

    public static class EverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fleetplane.adapter.inventory.publish-interval", "PT0.5S",
                    "fleetplane.adapter.inventory.publish-unchanged-after", "PT1H");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Predicate<ConsumerRecord<String, byte[]>> SCHEDULED = r -> {
        FleetEvent e = KafkaProbe.decode(r);
        return e.is(EventCatalog.INVENTORY_OBSERVED) && e.causationId() == null
                && InventorySchedule.SUBJECT.equals(e.subject());
    };
    private static KafkaProbe events;

    @BeforeAll
    static void connect() {
        events = new KafkaProbe(LocalStackTestResource.current().kafkaBootstrapServers(), Topics.PVE_EVENTS);
    }

    @AfterAll
    static void disconnect() {
        if (events != null) {
            events.close();
        }
    }

    @Test
    void inventory_isPublishedOnSchedule_whenItChanges_andNotAgainWhileUnchanged() throws InterruptedException {
        PveSimulator sim = PveSimulatorTestResource.simulator();
        int hadVm = 4711;
        sim.seed(List.of(SeedVm.vm(hadVm, "by-hand")));
        InventoryObserved first = awaitScheduled(d -> d.vms().stream().anyMatch(v -> v.vmid() == hadVm));

        int added = 4712;
        sim.seed(List.of(SeedVm.vm(added, "also-by-hand")));
        InventoryObserved second = awaitScheduled(d -> d.vms().stream().anyMatch(v -> v.vmid() == added));
        assertNotEquals(first.digest(), second.digest());

        // The adapter keeps looking at the unchanged fleet (every 0.5 s): wait until it looked twice more.
        long polls = sim.requestCount("GET /cluster/resources");
        long end = System.nanoTime() + WAIT.toNanos();
        while (sim.requestCount("GET /cluster/resources") - polls < 2) {
            assertTrue(System.nanoTime() < end, "the adapter stopped looking at the inventory");
            Thread.sleep(100);
        }
        // Then the fleet changes. Scheduled inventories are keyed "cluster" (one partition) and published in commit
        // order, so once the changed one is seen, any publication of the looks at the unchanged fleet before it has
        // been seen too: between the second and the changed one there is none.
        int later = 4713;
        sim.seed(List.of(SeedVm.vm(later, "later-by-hand")));
        InventoryObserved third = awaitScheduled(d -> d.vms().stream().anyMatch(v -> v.vmid() == later));
        List<ConsumerRecord<String, byte[]>> after = events.seen(SCHEDULED);
        List<String> digestsSinceSecond = after.stream().map(r -> KafkaProbe.decode(r)
                .dataAs(EventCatalog.INVENTORY_OBSERVED).digest()).dropWhile(d -> !d.equals(second.digest())).toList();
        assertEquals(List.of(second.digest(), third.digest()), digestsSinceSecond,
                "an unchanged fleet is not published again");
        FleetEvent last = KafkaProbe.decode(after.get(after.size() - 1));
        assertNull(last.causationId(), "nobody asked for it");
        assertEquals(InventorySchedule.SUBJECT, last.subject());
    }

    private static InventoryObserved awaitScheduled(Predicate<InventoryObserved> match) {
        ConsumerRecord<String, byte[]> r = events.await("a scheduled InventoryObserved", SCHEDULED.and(rec ->
                match.test(KafkaProbe.decode(rec).dataAs(EventCatalog.INVENTORY_OBSERVED))), WAIT);
        assertEquals(InventorySchedule.SUBJECT, r.key());
        return KafkaProbe.decode(r).dataAs(EventCatalog.INVENTORY_OBSERVED);
    }
}
