package dev.fleetplane.events.templates;

/** An old template was destroyed by the retention rule (keep the last N; none cloned from in the last M days). */
public record TemplateDeleted(String template, String node, int vmid, String reason) {
}
