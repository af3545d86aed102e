package dev.fleetplane.events.templates;

import java.util.List;

/**
 * The artefact's header was read and found whole before any byte left the machine.
 *
 * @param configs the configuration blobs a VMA carries ({@code qemu-server.conf}, …); empty for a qcow2
 * @param checkedBy {@code vma-reader}, {@code qemu-img} or {@code qcow2-header}
 */
public record TemplateImageChecked(String template, String buildId, String format, List<ImageDevice> devices,
                                   List<String> configs, String checkedBy) {
}
