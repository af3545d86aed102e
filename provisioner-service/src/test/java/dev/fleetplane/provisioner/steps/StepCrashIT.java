package dev.fleetplane.provisioner.steps;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.provisioning.ProvisioningFailed;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaState;
import dev.fleetplane.provisioner.saga.SagaStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A worker step that throws where no step should (a bug, a resource gone mid-step) is resumed by the step-lease sweep
 * a bounded number of times, then its saga fails with the error as the reason: against real PostgreSQL and Kafka, with
 * the integration step replaced by one that always throws and a 3 s lease (a sweep every second).
 */
@QuarkusTest
@TestProfile(StepCrashIT.ShortLease.class)
@QuarkusTestResource(LocalStackTestResource.class)
class StepCrashIT {

    public static class ShortLease implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fleetplane.provisioner.steps.lease", "PT3S");
        }
    }

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @Test
    void aStepThatThrowsEveryTime_failsItsSagaAfterTheBound_namingTheError() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        QuarkusMock.installMockForType(new IntegrateStep() {
            @Override
            public SagaState run(String host, String address) {
                runs.incrementAndGet();
                throw new IllegalStateException("integration bug");
            }
        }, IntegrateStep.class);
        String host = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        try (TopicRecorder events = new TopicRecorder(LocalStackTestResource.current().kafkaBootstrapServers(),
                List.of(Topics.PROVISIONING_EVENTS))) {
            // A saga left in integrating with no lease: the sweep takes it as an orphan (a provisioner died there).
            Saga integrating = new Saga(host, 9301, "pve", "ops", "nixos-rebuild switch --flake /etc/nixos#" + host,
                    SagaState.INTEGRATING, 0, false, null, Instant.now().plusSeconds(600), "10.0.0.9", "corr-" + host, "cmd-" + host,
                    "cmd-" + host, null, Instant.now(), true, null, null, 0, 1, false, null, List.of(), null);
            database.inTransaction(c -> {
                store.save(c, integrating);
                return null;
            });

            await().atMost(Duration.ofSeconds(60)).until(() -> database.read(c -> store.find(c, host))
                    .map(s -> s.state() == SagaState.FAILED).orElse(false));
            Saga failed = database.read(c -> store.find(c, host)).orElseThrow();
            assertEquals("integrate", failed.failedStep());
            assertEquals("step integrating failed unexpectedly 3 times in a row: java.lang.IllegalStateException:"
                    + " integration bug", failed.lastReason());
            assertEquals(StepWorker.MAX_CRASHES, runs.get(), "resumed until the bound, and not once more");
            ProvisioningFailed event = events.await("ProvisioningFailed " + host, s -> s.event() != null
                    && s.event().is(EventCatalog.PROVISIONING_FAILED) && host.equals(s.key()), Duration.ofSeconds(30))
                    .event().dataAs(EventCatalog.PROVISIONING_FAILED);
            assertEquals("integrate", event.step());
            assertEquals(failed.lastReason(), event.reason());
        }
    }
}
