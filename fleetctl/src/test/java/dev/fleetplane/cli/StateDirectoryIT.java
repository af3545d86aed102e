package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory's checks on a real file system: each refusal names the cause and leaves the directory alone. */
class StateDirectoryIT {

    private static final String PVE = "https://pve.lan:8006/api2/json";

    @TempDir
    Path tmp;

    @org.junit.jupiter.api.BeforeEach
    void letPostgresIn() throws Exception {
        // As root, PostgreSQL runs as user postgres, who must be able to walk into a state directory.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void asRoot_aDirectoryPostgresCannotReach_isRefusedBeforeAnythingIsMade() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return; // only root hands PostgreSQL to another user
        }
        Path closed = Files.createDirectories(tmp.resolve("private"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        var e = assertThrows(CliException.class, () -> StateDirectory.open(closed.resolve("state"), PVE, "t"));
        assertTrue(e.getMessage().contains("which user postgres cannot enter"), e.getMessage());
        assertFalse(Files.exists(closed.resolve("state")));
    }

    @Test
    void aNewDirectory_isMadeAndRecordsItsProxmox_andASecondOpenFindsItKept() throws Exception {
        Path dir = tmp.resolve("state");
        try (StateDirectory s = StateDirectory.open(dir, PVE, "fleetplane test")) {
            assertTrue(s.fresh());
        }
        var state = new ObjectMapper().readTree(dir.resolve("state.json").toFile());
        assertEquals(1, state.path("format").asInt());
        assertEquals(PVE, state.path("pveUrl").asText());
        try (StateDirectory s = StateDirectory.open(dir, PVE, "fleetplane test")) {
            assertFalse(s.fresh());
        }
    }

    @Test
    void aSecondUp_onTheSameDirectory_isRefusedWhileTheFirstHoldsIt() {
        Path dir = tmp.resolve("state");
        try (StateDirectory first = StateDirectory.open(dir, PVE, "fleetplane test")) {
            var e = assertThrows(CliException.class, () -> StateDirectory.open(dir, PVE, "fleetplane test"));
            assertTrue(e.getMessage().contains("another `fleetplane up` (pid " + ProcessHandle.current().pid() + ")"),
                    e.getMessage());
        }
    }

    @Test
    void aNewerFormat_isRefusedNamingTheWriter_andTheFileIsUnchanged() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("state"));
        String newer = "{\"format\": 7, \"writtenBy\": \"fleetplane 3.0.0\", \"pveUrl\": \"" + PVE + "\"}";
        Files.writeString(dir.resolve("state.json"), newer);
        var e = assertThrows(CliException.class, () -> StateDirectory.open(dir, PVE, "fleetplane test"));
        assertTrue(e.getMessage().contains("written by a newer fleetplane (fleetplane 3.0.0, state format 7"), e.getMessage());
        assertTrue(e.getMessage().contains("upgrade fleetplane"), e.getMessage());
        assertEquals(newer, Files.readString(dir.resolve("state.json")));
        assertFalse(Files.exists(dir.resolve("up.lock")), "nothing was created");
    }

    @Test
    void anotherClustersState_isRefused() throws Exception {
        Path dir = tmp.resolve("state");
        StateDirectory.open(dir, PVE, "fleetplane test").close();
        var e = assertThrows(CliException.class,
                () -> StateDirectory.open(dir, "https://other:8006/api2/json", "fleetplane test"));
        assertTrue(e.getMessage().contains("belongs to the Proxmox at " + PVE), e.getMessage());
    }

    @Test
    void aForeignNonEmptyDirectory_isRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(dir.resolve("cat.jpg"), "meow");
        var e = assertThrows(CliException.class, () -> StateDirectory.open(dir, PVE, "fleetplane test"));
        assertTrue(e.getMessage().contains("is not empty and holds no state.json"), e.getMessage());
        assertEquals(1, Files.list(dir).count());
    }

    @Test
    void aDirectoryOfAnotherUser_isRefusedNamingBoth() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("state"));
        var nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dir, nobody);
        var e = assertThrows(CliException.class, () -> StateDirectory.open(dir, PVE, "fleetplane test"));
        assertTrue(e.getMessage().contains("belongs to user 'nobody'"), e.getMessage());
    }

    @Test
    void theDefault_isFleetplaneHome_elseVarLibForRoot() {
        assertEquals(Path.of("/srv/fp"), StateDirectory.defaultLocation(Map.of("FLEETPLANE_HOME", "/srv/fp")));
        if ("root".equals(System.getProperty("user.name"))) {
            assertEquals(Path.of("/var/lib/fleetplane"), StateDirectory.defaultLocation(Map.of()));
        } else {
            assertEquals(Path.of("/x/fleetplane"), StateDirectory.defaultLocation(Map.of("XDG_DATA_HOME", "/x")));
        }
    }

    @Test
    void aSecretFileReadableByOthers_isRefusedWithTheFix_andItsContentNeverShown() throws Exception {
        Path token = Files.writeString(tmp.resolve("pve.token"), "fleetplane@pve!ops=very-secret\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        var e = assertThrows(CliException.class, () -> PveToken.fromFile(token, "--token-file"));
        assertTrue(e.getMessage().contains("chmod 600 " + token), e.getMessage());
        assertFalse(e.getMessage().contains("very-secret"));
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        assertEquals("fleetplane@pve!ops", PveToken.fromFile(token, "--token-file").id());
    }
}
