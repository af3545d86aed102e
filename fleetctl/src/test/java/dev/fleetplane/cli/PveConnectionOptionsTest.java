package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PveConnectionOptionsTest {

    private static final String SECRET = "3e4f5a6b-1111-2222-3333-444455556666";

    @TempDir
    Path tmp;

    private Path tokenFile(String content, String mode) throws Exception {
        Path f = tmp.resolve("token");
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void token_comesFromTheOption_thenTheFile_thenTheEnvironment() throws Exception {
        PveConnectionOptions o = new PveConnectionOptions();
        o.tokenFile = tokenFile("\nfile@pve!ops=" + SECRET + "\n", "rw-------");
        Map<String, String> env = Map.of("PVE_TOKEN", "env@pve!ops=" + SECRET);
        assertEquals("file@pve!ops", o.token(env).id());
        o.token = "opt@pve!ops=" + SECRET;
        assertEquals("opt@pve!ops", o.token(env).id());
        o.token = null;
        o.tokenFile = null;
        assertEquals("env@pve!ops", o.token(env).id());
    }

    @Test
    void tokenFile_readableByGroupOrOthers_isRefusedNamingItsModeAndTheFix() throws Exception {
        Path f = tokenFile("u@pve!t=" + SECRET, "rw-r-----");
        CliException e = assertThrows(CliException.class, () -> PveConnectionOptions.readTokenFile(f));
        assertEquals("--token-file " + f + " may be read by others (mode 0640): it holds a secret, so fleetplane"
                + " refuses it; run chmod 600 " + f, e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void tokenFile_emptyOrMissing_isNamed() throws Exception {
        Path empty = tokenFile("\n\n", "rw-------");
        assertTrue(assertThrows(CliException.class, () -> PveConnectionOptions.readTokenFile(empty)).getMessage()
                .endsWith("is empty: put user@realm!tokenid=secret on its first line"));
        Path none = tmp.resolve("nope");
        assertEquals("--token-file " + none + " does not exist",
                assertThrows(CliException.class, () -> PveConnectionOptions.readTokenFile(none)).getMessage());
    }

    @Test
    void tokenFile_withoutEquals_isRefusedWithoutEchoingIt() throws Exception {
        PveConnectionOptions o = new PveConnectionOptions();
        o.tokenFile = tokenFile(SECRET, "r--------");
        CliException e = assertThrows(CliException.class, () -> o.token(Map.of()));
        assertTrue(e.getMessage().startsWith("--token-file " + o.tokenFile + " must read user@realm!tokenid=secret"),
                e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void apiUrl_addsTheApiRootWhenOnlyAHostIsGiven() {
        assertEquals("https://pve:8006/api2/json", PveConnectionOptions.apiUrl("https://pve:8006/"));
        assertEquals("https://pve:8006/api2/json", PveConnectionOptions.apiUrl("https://pve:8006/api2/json"));
    }
}
