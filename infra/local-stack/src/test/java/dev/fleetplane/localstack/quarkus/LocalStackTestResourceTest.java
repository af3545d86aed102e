package dev.fleetplane.localstack.quarkus;

import dev.fleetplane.localstack.Endpoints;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStackTestResourceTest {

    private final Endpoints endpoints =
            new Endpoints("127.0.0.1:19092", "jdbc:postgresql://127.0.0.1:15432/fleetplane", "fleetplane", "pw");

    @Test
    void properties_pointQuarkusAtTheStackAndSwitchDevServicesOff() {
        var p = LocalStackTestResource.quarkusProperties(endpoints);
        assertEquals("127.0.0.1:19092", p.get("kafka.bootstrap.servers"));
        assertEquals("jdbc:postgresql://127.0.0.1:15432/fleetplane", p.get("quarkus.datasource.jdbc.url"));
        assertEquals("fleetplane", p.get("quarkus.datasource.username"));
        assertEquals("pw", p.get("quarkus.datasource.password"));
        assertEquals("false", p.get("quarkus.devservices.enabled"));
        assertEquals("false", p.get("quarkus.kafka.devservices.enabled"));
        assertEquals("false", p.get("quarkus.datasource.devservices.enabled"));
    }

    @Test
    void properties_handTheServicesTheTestTokensFile() throws Exception {
        var p = LocalStackTestResource.quarkusProperties(endpoints);
        String file = java.nio.file.Files.readString(java.nio.file.Path.of(p.get("fleetplane.tokens-file")));
        // The SHA-256 of "it-operator-token", as sha256sum prints it.
        assertTrue(file.contains("it-operator operator 7012005e2ec020389283ac20097da63732baf5427b1f9d99b241a97c77b23f9b\n"), file);
    }

    @Test
    void noSharedStackInTheEnvironment_meansStartOne() {
        assertEquals(Optional.empty(), LocalStackTestResource.fromEnvironment(Map.of("PATH", "/bin")));
    }

    @Test
    void sharedStackInTheEnvironment_isUsed() {
        var env = Map.of("FLEETPLANE_KAFKA_BOOTSTRAP_SERVERS", "10.0.0.1:9092",
                "FLEETPLANE_JDBC_URL", "jdbc:postgresql://10.0.0.1:5432/fleetplane",
                "FLEETPLANE_JDBC_USER", "ci", "FLEETPLANE_JDBC_PASSWORD", "pw");
        assertEquals(Optional.of(new Endpoints("10.0.0.1:9092", "jdbc:postgresql://10.0.0.1:5432/fleetplane", "ci", "pw")),
                LocalStackTestResource.fromEnvironment(env));
    }

    @Test
    void halfASharedStack_isAnErrorNamingTheMissingVariable() {
        var e = assertThrows(IllegalStateException.class, () -> LocalStackTestResource.fromEnvironment(
                Map.of("FLEETPLANE_KAFKA_BOOTSTRAP_SERVERS", "10.0.0.1:9092")));
        assertTrue(e.getMessage().contains("FLEETPLANE_JDBC_URL"), e.getMessage());
    }

    @Test
    void sharedStackWithoutUser_isRejected() {
        var e = assertThrows(IllegalStateException.class, () -> LocalStackTestResource.fromEnvironment(Map.of(
                "FLEETPLANE_KAFKA_BOOTSTRAP_SERVERS", "h:1", "FLEETPLANE_JDBC_URL", "jdbc:postgresql://h:2/db")));
        assertTrue(e.getMessage().contains("FLEETPLANE_JDBC_USER"), e.getMessage());
    }

    @Test
    void nonPostgresJdbcUrl_isRejected() {
        var e = assertThrows(IllegalStateException.class, () -> LocalStackTestResource.fromEnvironment(Map.of(
                "FLEETPLANE_KAFKA_BOOTSTRAP_SERVERS", "h:1", "FLEETPLANE_JDBC_URL", "jdbc:h2:mem:x",
                "FLEETPLANE_JDBC_USER", "u")));
        assertTrue(e.getMessage().contains("jdbc:postgresql://"), e.getMessage());
    }

    @Test
    void current_beforeStart_explainsWhatIsMissing() {
        // Unit tests run in their own JVM, where no test starts the resource.
        var e = assertThrows(IllegalStateException.class, LocalStackTestResource::current);
        assertTrue(e.getMessage().contains("@QuarkusTestResource"), e.getMessage());
    }
}
