package dev.fleetplane.templates.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildCommandTest {

    @Test
    void placeholdersAreFilledPerArgument_andNoShellSeesThem() {
        List<String> argv = BuildCommand.argv("nixos-rebuild build-image --image-variant proxmox --flake {flake}",
                "/r/t#template", Path.of("/w/b1"));
        assertEquals(List.of("nixos-rebuild", "build-image", "--image-variant", "proxmox", "--flake", "/r/t#template"),
                argv);
        assertEquals(List.of("sh", "-c;rm", "/w/b1/x"), BuildCommand.argv("sh -c;rm {out}/x", "f", Path.of("/w/b1")));
    }

    @Test
    void theSeedsForm_andAnEmptyCommand() {
        assertEquals(List.of("nix", "build", "/r#proxmox-template"),
                BuildCommand.argv("nix build {flake}", BuildCommand.flakeOf(Path.of("/r"), "proxmox-template"),
                        Path.of("/w")));
        assertThrows(IllegalArgumentException.class, () -> BuildCommand.argv("  ", "f", Path.of("/w")));
    }
}
