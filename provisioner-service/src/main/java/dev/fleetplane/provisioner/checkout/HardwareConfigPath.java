package dev.fleetplane.provisioner.checkout;

import dev.fleetplane.provisioner.rebuild.RebuildTemplate;
import java.nio.file.Path;

/**
 * Where a host's {@code hardware-configuration.nix} goes in the checkout: the configured template
 * ({@code hosts/{host}/hardware-configuration.nix}) with the host name filled in, relative, and inside the checkout.
 * Pure.
 */
public final class HardwareConfigPath {

    static final String SETTING = "fleetplane.provisioner.checkout.hardware-config-path";

    private HardwareConfigPath() {
    }

    /** The path relative to the checkout, normalised ({@code /} separated). */
    public static String of(String template, String host) {
        RebuildTemplate.hostProblem(host).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException(SETTING + " is empty");
        }
        String withoutHost = template.replace("{host}", "");
        if (withoutHost.contains("{") || withoutHost.contains("}")) {
            throw new IllegalArgumentException(SETTING + " = '" + template + "' has a placeholder other than {host}");
        }
        Path p = Path.of(template.replace("{host}", host)).normalize();
        if (p.isAbsolute() || p.startsWith("..") || p.toString().isEmpty() || p.toString().equals(".")) {
            throw new IllegalArgumentException(SETTING + " = '" + template + "' must be a file path inside the"
                    + " checkout (relative, without leading ..)");
        }
        if (!p.getFileName().toString().endsWith(".nix")) {
            throw new IllegalArgumentException(SETTING + " = '" + template + "' must name a .nix file");
        }
        return p.toString().replace('\\', '/');
    }
}
