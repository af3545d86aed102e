package dev.fleetplane.events.templates;

/** The build command started (in {@code workDir}, with its time limit). */
public record TemplateBuildStarted(String template, String buildId, String route, String command, String workDir,
                                   int timeoutSeconds) {
}
