package dev.fleetplane.pvesim.guest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Lays out a guest's directory: the stand-in NixOS commands in {@code bin/}, a first system generation under
 * {@code nix/var/nix/profiles}, and {@code run/current-system} pointing at it, as the template image would have.
 */
final class GuestFiles {

    static final String INITIAL_SYSTEM = "nixos-system-nixos-24.11.20241128.abcdef0";
    private static final String[] COMMANDS = {"nixos-rebuild", "nixos-generate-config", "nixos-version", "systemd-run",
            "systemctl"};

    private GuestFiles() {
    }

    static void layOut(Path dir, String hostname) throws IOException {
        layOut(dir, hostname, false);
    }

    /** @param netns the guest has its own network and sshd, which {@code nixos-rebuild switch} reconfigures */
    static void layOut(Path dir, String hostname, boolean netns) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String command : COMMANDS) {
            String script = resource("/dev/fleetplane/pvesim/guest/" + command + ".sh")
                    .replace("@GUEST_ROOT@", shellQuote(dir.toString()))
                    .replace("@NETNS@", netns ? "1" : "0");
            Path target = bin.resolve(command);
            Files.writeString(target, script, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(dir.resolve("etc/ssh"));
        Files.writeString(dir.resolve("etc/hostname"), hostname + "\n");
        Path store = Files.createDirectories(dir.resolve("nix/store/0f8s1q4k2a7d3m9x5c6v8b1n2z4h7j3l-" + INITIAL_SYSTEM));
        Files.writeString(store.resolve("nixos-version"), "24.11.20241128.abcdef0 (Vicuna)\n");
        Files.writeString(store.resolve("hostname"), hostname + "\n");
        Files.writeString(store.resolve("sshd-permit-root-login"), "prohibit-password\n");
        Path profiles = Files.createDirectories(dir.resolve("nix/var/nix/profiles"));
        Files.createSymbolicLink(profiles.resolve("system-1-link"), store);
        Files.createSymbolicLink(profiles.resolve("system"), Path.of("system-1-link"));
        Files.createDirectories(dir.resolve("run"));
        Files.createSymbolicLink(dir.resolve("run/current-system"), store);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(GuestFiles.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
