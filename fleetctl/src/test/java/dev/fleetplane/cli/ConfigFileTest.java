package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigFileTest {

    private static final Path FILE = Path.of("/home/ops/.config/fleetplane/config.toml");

    @Test
    void tables_mapToTheFlagsNames() {
        ConfigFile c = ConfigFile.parse(FILE, """
                state-dir = "/srv/fleetplane"
                [pve]
                url = "https://pve.lan:8006"
                token-file = "/etc/fleetplane/pve.token"
                insecure = false
                [ssh]
                port = 2222
                [ports]
                planner = 9081
                """);
        assertEquals(Optional.of("https://pve.lan:8006"), c.get("pve.url"));
        assertEquals(Optional.of("/srv/fleetplane"), c.get("state-dir"));
        assertEquals(Optional.of("false"), c.get("pve.insecure"));
        assertEquals(Optional.of("2222"), c.get("ssh.port"));
        assertEquals(Optional.of("9081"), c.get("ports.planner"));
        assertEquals(Optional.empty(), c.get("pve.fingerprint"));
        assertEquals("pve.url in " + FILE, c.describe("pve.url"));
    }

    @Test
    void anUnknownKey_isRefusedByNameAndFile() {
        var e = assertThrows(CliException.class, () -> ConfigFile.parse(FILE, "[pve]\nulr = \"https://x\"\n"));
        assertTrue(e.getMessage().contains("unknown setting 'pve.ulr'"), e.getMessage());
        assertTrue(e.getMessage().contains(FILE.toString()), e.getMessage());
    }

    @Test
    void aSecretInTheFile_isNotAKey_theFileNamesTheTokenFileInstead() {
        var e = assertThrows(CliException.class, () -> ConfigFile.parse(FILE, "[pve]\ntoken = \"a@pve!b=secret\"\n"));
        assertTrue(e.getMessage().contains("unknown setting 'pve.token'"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret"), "the value is never echoed: " + e.getMessage());
    }

    @Test
    void aWrongType_isRefusedSayingWhatItMustBe() {
        var port = assertThrows(CliException.class, () -> ConfigFile.parse(FILE, "[ssh]\nport = \"twenty-two\"\n"));
        assertTrue(port.getMessage().contains("'ssh.port' must be a port number"), port.getMessage());
        var bool = assertThrows(CliException.class, () -> ConfigFile.parse(FILE, "[pve]\ninsecure = \"yes\"\n"));
        assertTrue(bool.getMessage().contains("'pve.insecure' must be true or false"), bool.getMessage());
    }

    @Test
    void brokenToml_isRefusedNamingTheFile() {
        var e = assertThrows(CliException.class, () -> ConfigFile.parse(FILE, "[pve\nurl = 1\n"));
        assertTrue(e.getMessage().startsWith("config file " + FILE + " is not valid TOML"), e.getMessage());
    }

    @Test
    void theDefaultLocation_followsXdgConfigHome() {
        assertEquals(Path.of("/cfg/fleetplane/config.toml"), ConfigFile.defaultLocation(Map.of("XDG_CONFIG_HOME", "/cfg")));
        assertEquals(Path.of(System.getProperty("user.home"), ".config", "fleetplane", "config.toml"),
                ConfigFile.defaultLocation(Map.of()));
    }

    @Test
    void layers_flagBeatsEnvironmentBeatsFile_andNameTheirSource() {
        ConfigFile file = ConfigFile.parse(FILE, "[pve]\nurl = \"https://from-file:8006\"\n");
        Layers both = new Layers(Map.of("PVE_URL", "https://from-env:8006"), file);
        assertEquals(new Layers.Sourced("https://flag:8006", "--pve-url"),
                both.pick("https://flag:8006", "--pve-url", "PVE_URL", "pve.url").orElseThrow());
        assertEquals(new Layers.Sourced("https://from-env:8006", "PVE_URL"),
                both.pick(null, "--pve-url", "PVE_URL", "pve.url").orElseThrow());
        assertEquals(new Layers.Sourced("https://from-file:8006", "pve.url in " + FILE),
                new Layers(Map.of(), file).pick(null, "--pve-url", "PVE_URL", "pve.url").orElseThrow());
        assertEquals(Optional.empty(), new Layers(Map.of(), ConfigFile.empty()).pick(null, "--pve-url", "PVE_URL", "pve.url"));
    }

    @Test
    void layers_portFromTheFileUnlessTheFlagChangedIt() {
        ConfigFile file = ConfigFile.parse(FILE, "[ports]\nplanner = 9081\n");
        Layers layers = new Layers(Map.of(), file);
        assertEquals(9081, layers.port(8081, 8081, "ports.planner"));
        assertEquals(7000, layers.port(7000, 8081, "ports.planner"));
        assertEquals(8082, layers.port(8082, 8082, "ports.proxmox-adapter"));
    }

    /** `up` with the simulator asks for the simulator's port by this key: a key the file does not know made it fail. */
    @Test
    void layers_theSimulatorsPortIsAKey() {
        ConfigFile file = ConfigFile.parse(FILE, "[ports]\npve-simulator = 9006\n");
        assertEquals(9006, new Layers(Map.of(), file).port(8006, 8006, "ports.pve-simulator"));
        assertEquals(8006, new Layers(Map.of(), ConfigFile.empty()).port(8006, 8006, "ports.pve-simulator"));
    }
}
