package dev.fleetplane.events.templates;

/**
 * The build ended without a template: everything it created on Proxmox was destroyed and the template in use stays.
 *
 * @param step   where it failed: {@code build}, {@code check}, {@code upload}, {@code register}, {@code smoke-test},
 *               {@code convert}
 * @param reason what went wrong, naming what and where
 */
public record TemplateRejected(String template, String buildId, String step, String reason) {
}
