package dev.fleetplane.provisioner.checkout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckoutCommandTest {

    private static final Path CHECKOUT = Path.of("/home/ops/nixosconfig");

    @Test
    void asRoot_targetsTheGuestWithoutSudo() {
        assertEquals(List.of("nixos-rebuild", "switch", "--flake", "/home/ops/nixosconfig#web1", "--target-host",
                        "root@10.0.0.5"),
                CheckoutCommand.argv("nixos-rebuild", CHECKOUT, "web1", "root", "10.0.0.5", "--use-remote-sudo"));
    }

    @Test
    void asAnotherUser_activatesThroughTheConfiguredSudoFlag() {
        assertEquals(List.of("/opt/nix/bin/nixos-rebuild", "switch", "--flake", "/home/ops/nixosconfig#web1",
                        "--target-host", "ops@fd00::5", "--sudo"),
                CheckoutCommand.argv("/opt/nix/bin/nixos-rebuild", CHECKOUT, "web1", "ops", "fd00::5", "--sudo"));
    }

    @Test
    void everyUnusableValue_isNamedInOneMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckoutCommand.argv(
                "nixos-rebuild", Path.of("relative/dir"), "web;reboot", "Ops", "10.0.0.5 && x", "sudo"));
        assertTrue(e.getMessage().contains("fleetplane.provisioner.checkout.path = 'relative/dir' is not an absolute"
                + " path"), e.getMessage());
        assertTrue(e.getMessage().contains("host name 'web;reboot'"), e.getMessage());
        assertTrue(e.getMessage().contains("user 'Ops'"), e.getMessage());
        assertTrue(e.getMessage().contains("ip '10.0.0.5 && x'"), e.getMessage());
        assertTrue(e.getMessage().contains("fleetplane.provisioner.checkout.remote-sudo-flag = 'sudo'"),
                e.getMessage());
    }

    @Test
    void checkoutPathThatAFlakeReferenceCannotCarry_isRefused() {
        for (String p : List.of("/home/ops/my config", "/srv/fleet#main", "/srv/fleet?rev=1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckoutCommand.argv(
                    "nixos-rebuild", Path.of(p), "web1", "root", "10.0.0.5", "--use-remote-sudo"), p);
            assertTrue(e.getMessage().contains("which a flake reference (<path>#<host>) cannot carry"), e.getMessage());
        }
    }

    @Test
    void display_quotesOnlyWhatAShellWouldParse() {
        assertEquals("nixos-rebuild switch --flake /srv/fleet#web1 --target-host ops@10.0.0.5 --use-remote-sudo",
                CheckoutCommand.display(List.of("nixos-rebuild", "switch", "--flake", "/srv/fleet#web1",
                        "--target-host", "ops@10.0.0.5", "--use-remote-sudo")));
        assertEquals("'/opt/my tools/nixos-rebuild' 'it'\\''s'",
                CheckoutCommand.display(List.of("/opt/my tools/nixos-rebuild", "it's")));
    }
}
