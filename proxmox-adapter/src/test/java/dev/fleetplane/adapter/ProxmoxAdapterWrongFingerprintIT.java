package dev.fleetplane.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.SyncInventory;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The adapter pinning a fingerprint the node's certificate does not have: it must refuse to talk. */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "tls", value = "wrong-fingerprint"))
class ProxmoxAdapterWrongFingerprintIT {

    @Test
    void wrongFingerprint_failsAsUntrustedCertificate_namingUrlAndBothFingerprints_neverTheSecret() {
        try (KafkaProbe probe = new KafkaProbe(LocalStackTestResource.current().kafkaBootstrapServers(), Topics.PVE_EVENTS)) {
            FleetEvent sync = FleetEvent.create(EventCatalog.SYNC_INVENTORY, "/fleetplane/adapter-it", "inventory",
                    new SyncInventory("wrong-fingerprint-it"), null);
            probe.send("inventory", sync);
            ConsumerRecord<String, byte[]> r = probe.await("failure of " + sync.id(),
                    KafkaProbe.causedBy(sync, EventCatalog.PVE_OPERATION_FAILED.type()), Duration.ofSeconds(30));
            PveOperationFailed failed = KafkaProbe.decode(r).dataAs(EventCatalog.PVE_OPERATION_FAILED);

            assertEquals("untrusted-certificate", failed.failure());
            assertFalse(failed.retryable());
            assertTrue(failed.message().contains(PveSimulatorTestResource.simulator().url() + "/cluster/resources"),
                    failed.message());
            assertTrue(failed.message().contains(PveSimulatorTestResource.simulator().fingerprint()), failed.message());
            assertTrue(failed.message().contains(PveSimulatorTestResource.WRONG_FINGERPRINT), failed.message());
            assertFalse(new String(r.value(), StandardCharsets.UTF_8).contains(PveSimulatorTestResource.SECRET));
        }
    }
}
