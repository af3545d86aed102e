package dev.fleetplane.events.templates;

/**
 * The candidate passed and is a template now. hosts.nix still names the template in use: promoting this one is
 * {@code _proxmox.templateVmid = vmid;} ({@code fleetplane template promote}).
 *
 * @param builtFrom the recipe directory or flake reference it was built from
 */
public record TemplateReady(String template, String buildId, String node, int vmid, String sha256, String builtFrom,
                            String route) {
}
