package dev.fleetplane.events.templates;

/** How far the artefact's upload has come, over {@code route} ({@code sftp} or {@code api}). */
public record TemplateUploadProgress(String template, String buildId, String route, long bytesSent, long bytesTotal) {
}
