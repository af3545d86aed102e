package dev.fleetplane.images;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a VMA archive's header says: the archive's UUID, when the backup was made, the config files it carries
 * ({@code qemu-server.conf}, firewall rules …) by name, and its devices.
 *
 * @param configs name → bytes, in the header's order
 */
public record VmaHeader(UUID uuid, long ctime, Map<String, byte[]> configs, List<Device> devices) {

    /** The config file a restore reads. */
    public static final String QEMU_CONFIG = "qemu-server.conf";

    /**
     * One device of the archive.
     *
     * @param id   its dev_id (1–255), the index extents name it by
     * @param name e.g. {@code drive-virtio0}, or {@code vmstate} for saved RAM
     * @param size bytes
     */
    public record Device(int id, String name, long size) {
    }

    public VmaHeader {
        configs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(configs));
        devices = List.copyOf(devices);
    }

    /** {@code qemu-server.conf} as text, when the archive has it. */
    public Optional<String> qemuConfig() {
        byte[] b = configs.get(QEMU_CONFIG);
        return b == null ? Optional.empty() : Optional.of(new String(b, StandardCharsets.UTF_8));
    }

    /** The device named {@code name} ({@code drive-virtio0}). */
    public Optional<Device> device(String name) {
        return devices.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
