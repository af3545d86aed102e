package dev.fleetplane.events.templates;

/**
 * The build ended well and its artefact was found.
 *
 * @param artifact    the artefact's path on the template builder's machine
 * @param format      {@code vma} or {@code qcow2}
 * @param compression {@code zst}, {@code lzo}, {@code gz} or {@code none}
 * @param sha256      hex SHA-256 of the file as it is
 */
public record TemplateBuilt(String template, String buildId, String artifact, String format, String compression,
                            long bytes, String sha256, long durationMillis) {
}
