package dev.fleetplane.templates.build;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The build command of a route as an argument vector, pure. The configured text is split on blanks and never given
 * to a shell (a value with blanks or shell characters stays one argument); {@code {flake}} and {@code {out}} are
 * replaced inside each argument. A pipeline or redirection belongs in a script the command names.
 */
public final class BuildCommand {

    private BuildCommand() {
    }

    /**
     * @param configured the configured command, e.g. {@code nixos-rebuild build-image --image-variant proxmox --flake {flake}}
     * @param flake      the flake reference built ({@code <recipe>#<attribute>} or the command's own)
     * @param out        the build's directory (its working directory too)
     */
    public static List<String> argv(String configured, String flake, Path out) {
        if (configured == null || configured.isBlank()) {
            throw new IllegalArgumentException("the build command is empty (fleetplane.templates.build.*-command)");
        }
        List<String> argv = new ArrayList<>();
        for (String token : configured.trim().split("\\s+")) {
            argv.add(token.replace("{flake}", flake).replace("{out}", out.toString()));
        }
        return List.copyOf(argv);
    }

    /** The flake reference of a recipe directory: {@code <absolute dir>#<attribute>}. */
    public static String flakeOf(Path recipe, String attribute) {
        return recipe.toAbsolutePath().normalize() + "#" + attribute;
    }
}
