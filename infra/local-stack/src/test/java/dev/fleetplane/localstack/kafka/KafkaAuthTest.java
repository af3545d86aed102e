package dev.fleetplane.localstack.kafka;

import dev.fleetplane.localstack.LocalStackException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaAuthTest {

    @TempDir
    Path dir;

    @Test
    void passwords_areGeneratedOncePerUser_0600_andReadBackByTheNextStart() throws Exception {
        KafkaAuth first = KafkaAuth.loadOrCreate(dir.resolve("users"));
        KafkaAuth again = KafkaAuth.loadOrCreate(dir.resolve("users"));
        for (String user : KafkaAuth.users()) {
            assertEquals(first.password(user), again.password(user), user);
            assertEquals(32, first.password(user).length());
            assertEquals("rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(first.passwordFile(user))));
        }
        assertNotEquals(first.password("planner"), first.password("provisioner"));
        assertFalse(first.toString().contains(first.password(KafkaAuth.ADMIN)), first.toString());
    }

    @Test
    void storageFormattedWithoutUsers_isRefused_namingIt() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("meta.properties"), "version=1\n");
        var e = assertThrows(LocalStackException.class, () -> KafkaAuth.forStorage(dir.resolve("users"), data));
        assertTrue(e.getMessage().startsWith("kafka auth: the broker's storage " + data + " was formatted without users"),
                e.getMessage());
    }

    @Test
    void freshStorage_getsItsUsers() {
        KafkaAuth auth = KafkaAuth.forStorage(dir.resolve("users"), dir.resolve("data"));
        assertTrue(Files.exists(auth.passwordFile(KafkaAuth.ADMIN)));
    }

    @Test
    void anUnknownUser_isAnErrorListingTheUsers() {
        KafkaAuth auth = KafkaAuth.loadOrCreate(dir.resolve("users"));
        var e = assertThrows(IllegalArgumentException.class, () -> auth.password("mallory"));
        assertTrue(e.getMessage().startsWith("no kafka user mallory; the users are [fleetplane-admin, planner"),
                e.getMessage());
    }
}
