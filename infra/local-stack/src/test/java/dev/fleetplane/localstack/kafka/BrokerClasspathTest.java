package dev.fleetplane.localstack.kafka;

import dev.fleetplane.localstack.LocalStackException;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerClasspathTest {

    @Test
    void listedClasspath_isSplitOnThePathSeparatorIgnoringBlanks() {
        assertEquals(List.of(Path.of("/m2/a.jar"), Path.of("/m2/b.jar")), BrokerClasspath.parse("/m2/a.jar:/m2/b.jar\n"));
    }

    @Test
    void missingJar_isNamedWithTheWayToRebuild() {
        var e = assertThrows(LocalStackException.class, () -> BrokerClasspath.checked(
                List.of(Path.of("/m2/a.jar"), Path.of("/m2/gone.jar")), p -> !p.endsWith("gone.jar")));
        assertTrue(e.getMessage().contains("/m2/gone.jar"), e.getMessage());
        assertTrue(e.getMessage().contains("mvn -B -pl infra/local-stack install"), e.getMessage());
    }

    @Test
    void emptyList_isRejected() {
        assertThrows(LocalStackException.class, () -> BrokerClasspath.checked(List.of(), p -> true));
    }
}
