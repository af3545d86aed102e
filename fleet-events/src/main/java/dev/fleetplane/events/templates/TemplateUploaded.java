package dev.fleetplane.events.templates;

/** The artefact is on the node as volume {@code volid} (a {@code backup} for sftp, an {@code import} for api). */
public record TemplateUploaded(String template, String buildId, String route, String node, String volid, long bytes) {
}
