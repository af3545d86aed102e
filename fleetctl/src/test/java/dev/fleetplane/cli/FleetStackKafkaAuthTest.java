package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.kafka.KafkaAuth;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetStackKafkaAuthTest {

    @Test
    void everyServiceModule_logsInAsTheKafkaUserTheLocalStackCreates() {
        assertEquals(KafkaAuth.SERVICES, FleetStack.SERVICES.stream().map(FleetStack::kafkaUser).toList());
    }

    @Test
    void kafkaAuth_isOffByDefault_andTurnsOnForTheLocalStack() {
        FleetStack.Data data = FleetStack.Data.throwaway(0, 0);
        assertFalse(data.kafkaAuth());
        assertTrue(data.kafkaAuth(true).kafkaAuth());
    }

    @Test
    void kafkaAuth_withAnExistingKafka_isAnErrorSayingHowToLogInThere() {
        var external = new FleetStack.Data(0, 0, Optional.empty(),
                Optional.of(new Endpoints("k:9092", "jdbc:postgresql://p/fleetplane", "fleetplane", "")));
        var e = assertThrows(CliException.class, () -> external.kafkaAuth(true));
        assertTrue(e.getMessage().startsWith("--kafka-auth turns on users and ACLs in the local stack's broker"),
                e.getMessage());
        assertFalse(external.kafkaAuth(false).kafkaAuth());
    }
}
