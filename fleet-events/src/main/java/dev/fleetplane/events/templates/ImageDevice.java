package dev.fleetplane.events.templates;

/** One disk an image holds: a VMA's device name (e.g. {@code drive-virtio0}), or {@code disk} for a qcow2. */
public record ImageDevice(String name, long bytes) {
}
