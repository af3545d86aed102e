package dev.fleetplane.localstack;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStackOptionsTest {

    @Test
    void defaults_pickFreePortsATempDirAndDebianPostgres() {
        var d = LocalStackOptions.defaults();
        assertEquals(0, d.kafkaPort());
        assertEquals(0, d.postgresPort());
        assertEquals(Optional.empty(), d.workDir());
        assertEquals(PostgresMode.DEBIAN, d.postgres());
        assertEquals(Duration.ofSeconds(60), d.startTimeout());
    }

    @Test
    void withers_returnNewOptionsAndLeaveTheOriginal() {
        var d = LocalStackOptions.defaults();
        var o = d.kafkaPort(19092).postgresPort(15432).workDir(Path.of("/tmp/w")).postgres(PostgresMode.ZONKY);
        assertNotSame(d, o);
        assertEquals(0, d.kafkaPort());
        assertEquals(19092, o.kafkaPort());
        assertEquals(15432, o.postgresPort());
        assertEquals(Optional.of(Path.of("/tmp/w")), o.workDir());
        assertEquals(PostgresMode.ZONKY, o.postgres());
    }

    @Test
    void portOutOfRange_isRejectedNamingThePart() {
        var e = assertThrows(IllegalArgumentException.class, () -> LocalStackOptions.defaults().postgresPort(70000));
        assertTrue(e.getMessage().startsWith("postgres port"), e.getMessage());
        var k = assertThrows(IllegalArgumentException.class, () -> LocalStackOptions.defaults().kafkaPort(-1));
        assertTrue(k.getMessage().startsWith("kafka port"), k.getMessage());
    }

    @Test
    void sameFixedPortForBothParts_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> LocalStackOptions.defaults().kafkaPort(20000).postgresPort(20000));
    }

    @Test
    void nonPositiveTimeout_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> LocalStackOptions.defaults().startTimeout(Duration.ZERO));
    }

    @Test
    void endpoints_hideThePasswordInToString() {
        var e = new Endpoints("127.0.0.1:1", "jdbc:postgresql://127.0.0.1:2/fleetplane", "fleetplane", "s3cret");
        assertTrue(!e.toString().contains("s3cret"), e.toString());
    }

    @Test
    void mainArguments_becomeOptions() {
        var a = LocalStackMain.Arguments.parse(java.util.List.of("--kafka-port", "19092", "--postgres", "zonky",
                "--work-dir", "/tmp/w", "--env-file", "/tmp/env"));
        assertEquals(19092, a.options().kafkaPort());
        assertEquals(PostgresMode.ZONKY, a.options().postgres());
        assertEquals(Path.of("/tmp/env"), a.envFile());
    }

    @Test
    void mainArguments_badValuesAreNamed() {
        var port = assertThrows(IllegalArgumentException.class,
                () -> LocalStackMain.Arguments.parse(java.util.List.of("--kafka-port", "x")));
        assertTrue(port.getMessage().contains("--kafka-port"), port.getMessage());
        var mode = assertThrows(IllegalArgumentException.class,
                () -> LocalStackMain.Arguments.parse(java.util.List.of("--postgres", "mysql")));
        assertTrue(mode.getMessage().contains("debian or zonky"), mode.getMessage());
        var dangling = assertThrows(IllegalArgumentException.class,
                () -> LocalStackMain.Arguments.parse(java.util.List.of("--work-dir")));
        assertTrue(dangling.getMessage().contains("needs a value"), dangling.getMessage());
    }

    @Test
    void envFile_exportsWhatTheTestResourceReads() {
        String text = LocalStackMain.envFileText(new Endpoints("127.0.0.1:1", "jdbc:postgresql://127.0.0.1:2/fleetplane",
                "fleetplane", "pw"));
        assertTrue(text.contains("export FLEETPLANE_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1\n"), text);
        assertTrue(text.contains("export FLEETPLANE_JDBC_URL=jdbc:postgresql://127.0.0.1:2/fleetplane\n"), text);
    }
}
