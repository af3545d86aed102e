package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code up} finds the console gateway's Proxmox user, and each way that goes wrong. */
class ConsoleUserSettingsTest {

    private static final Path FILE = Path.of("/home/ops/.config/fleetplane/config.toml");

    @TempDir
    Path dir;

    private static Layers layers(Map<String, String> env, String toml) {
        return new Layers(env, ConfigFile.parse(FILE, toml));
    }

    private Path secret(String content, String mode) throws Exception {
        Path p = dir.resolve("pw");
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void fromTheConfigFile_userAndPasswordFile() throws Exception {
        Path pw = secret("s3cret\n", "rw-------");
        var user = UpCommand.consoleUser(layers(Map.of(), "[pve]\nconsole-username = \"fleetplane-console@pve\"\n"
                + "console-password-file = \"" + pw + "\"\n")).orElseThrow();
        assertEquals("fleetplane-console@pve", user.username());
        assertEquals("s3cret", user.password());
        assertFalse(user.toString().contains("s3cret"), user.toString());
    }

    @Test
    void theEnvironment_winsOverTheFile() throws Exception {
        Path pw = secret("from-file", "rw-------");
        var user = UpCommand.consoleUser(layers(Map.of("PVE_CONSOLE_USERNAME", "console@pam", "PVE_CONSOLE_PASSWORD",
                "from-env"), "[pve]\nconsole-username = \"other@pve\"\nconsole-password-file = \"" + pw + "\"\n"))
                .orElseThrow();
        assertEquals("console@pam", user.username());
        assertEquals("from-env", user.password());
    }

    @Test
    void neither_isNoConsoleUser() {
        assertEquals(Optional.empty(), UpCommand.consoleUser(layers(Map.of(), "")));
    }

    @Test
    void aUserWithoutPassword_namesWhatToSet() {
        var e = assertThrows(CliException.class, () -> UpCommand.consoleUser(
                layers(Map.of(), "[pve]\nconsole-username = \"fleetplane-console@pve\"\n")));
        assertTrue(e.getMessage().contains("fleetplane-console@pve") && e.getMessage().contains("pve.console-password-file")
                && e.getMessage().contains("PVE_CONSOLE_PASSWORD"), e.getMessage());
    }

    @Test
    void aPasswordWithoutUser_namesWhereThePasswordCameFrom_notThePassword() {
        var e = assertThrows(CliException.class, () -> UpCommand.consoleUser(
                layers(Map.of("PVE_CONSOLE_PASSWORD", "hunter2"), "")));
        assertTrue(e.getMessage().startsWith("PVE_CONSOLE_PASSWORD gives a console password but no console user"),
                e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aUserNotUserAtRealm_isRefusedNamingTheSetting() {
        var e = assertThrows(CliException.class, () -> UpCommand.consoleUser(
                layers(Map.of("PVE_CONSOLE_USERNAME", "console", "PVE_CONSOLE_PASSWORD", "x"), "")));
        assertTrue(e.getMessage().startsWith("PVE_CONSOLE_USERNAME must be a Proxmox user as user@realm"), e.getMessage());
    }

    @Test
    void aPasswordFileOthersMayRead_isRefused_withoutItsContent() throws Exception {
        Path pw = secret("s3cret", "rw-r--r--");
        var e = assertThrows(CliException.class, () -> UpCommand.consoleUser(layers(Map.of(),
                "[pve]\nconsole-username = \"c@pve\"\nconsole-password-file = \"" + pw + "\"\n")));
        assertTrue(e.getMessage().contains("pve.console-password-file") && e.getMessage().contains("chmod 600"),
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
}
