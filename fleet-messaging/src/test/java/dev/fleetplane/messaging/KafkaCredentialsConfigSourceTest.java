package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaCredentialsConfigSourceTest {

    @TempDir
    Path dir;

    @Test
    void aUserAndItsPasswordFile_becomeTheGlobalKafkaSaslSettings() throws Exception {
        Path file = Files.writeString(dir.resolve("planner.password"), "Sup3rSecret\n");
        var p = KafkaCredentialsConfigSource.kafkaProperties("planner", Optional.of(file), "SCRAM-SHA-512",
                "SASL_PLAINTEXT");
        assertEquals("SASL_PLAINTEXT", p.get("kafka.security.protocol"));
        assertEquals("SCRAM-SHA-512", p.get("kafka.sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"planner\""
                + " password=\"Sup3rSecret\";", p.get("kafka.sasl.jaas.config"));
    }

    @Test
    void saslSsl_isAccepted_forARealDeployment() throws Exception {
        Path file = Files.writeString(dir.resolve("p"), "pw");
        assertEquals("SASL_SSL", KafkaCredentialsConfigSource.kafkaProperties("planner", Optional.of(file),
                "SCRAM-SHA-256", "SASL_SSL").get("kafka.security.protocol"));
    }

    @Test
    void aUserWithoutAPasswordFile_isAnErrorNamingBothProperties() {
        var e = assertThrows(IllegalArgumentException.class, () -> KafkaCredentialsConfigSource.kafkaProperties(
                "planner", Optional.empty(), "SCRAM-SHA-512", "SASL_PLAINTEXT"));
        assertEquals("fleetplane.kafka.sasl.username is set (planner) but fleetplane.kafka.sasl.password-file is not",
                e.getMessage());
    }

    @Test
    void aMissingOrEmptyPasswordFile_isAnErrorNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.password");
        var e = assertThrows(IllegalArgumentException.class, () -> KafkaCredentialsConfigSource.kafkaProperties(
                "planner", Optional.of(missing), "SCRAM-SHA-512", "SASL_PLAINTEXT"));
        assertTrue(e.getMessage().startsWith("fleetplane.kafka.sasl.password-file " + missing + " cannot be read"),
                e.getMessage());
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        e = assertThrows(IllegalArgumentException.class, () -> KafkaCredentialsConfigSource.kafkaProperties(
                "planner", Optional.of(empty), "SCRAM-SHA-512", "SASL_PLAINTEXT"));
        assertEquals("fleetplane.kafka.sasl.password-file " + empty + " is empty", e.getMessage());
    }

    @Test
    void aPasswordAJaasStringCannotCarry_isRefusedWithoutShowingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("p"), "abc\"def${x}");
        var e = assertThrows(IllegalArgumentException.class, () -> KafkaCredentialsConfigSource.kafkaProperties(
                "planner", Optional.of(file), "SCRAM-SHA-512", "SASL_PLAINTEXT"));
        assertTrue(e.getMessage().startsWith("fleetplane.kafka.sasl.password-file " + file + " contains a character"),
                e.getMessage());
        assertFalse(e.getMessage().contains("abc"), e.getMessage());
    }

    @Test
    void anUnknownMechanismOrProtocol_isAnErrorNamingTheProperty() throws Exception {
        Path file = Files.writeString(dir.resolve("p"), "pw");
        var e = assertThrows(IllegalArgumentException.class, () -> KafkaCredentialsConfigSource.kafkaProperties(
                "planner", Optional.of(file), "GSSAPI", "SASL_PLAINTEXT"));
        assertTrue(e.getMessage().startsWith("fleetplane.kafka.sasl.mechanism must be one of"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaCredentialsConfigSource.kafkaProperties(
                "planner", Optional.of(file), "SCRAM-SHA-512", "PLAINTEXT"));
        assertTrue(e.getMessage().startsWith("fleetplane.kafka.security-protocol must be one of"), e.getMessage());
    }

    @Test
    void handBuiltClients_takeTheSecurityPartOfTheGlobalKafkaConfig() {
        var global = Map.<String, Object>of("bootstrap.servers", "b:9092", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", "x", "ssl.truststore.location", "/t",
                "group.id", "g", "auto.offset.reset", "earliest");
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", "x",
                "ssl.truststore.location", "/t"), KafkaClientSettings.security(global));
    }
}
