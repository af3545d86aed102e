package dev.fleetplane.events.templates;

/** The candidate VM exists (restored or imported), never booted; it becomes the template once its smoke test passes. */
public record TemplateCandidateCreated(String template, String buildId, String node, int vmid) {
}
