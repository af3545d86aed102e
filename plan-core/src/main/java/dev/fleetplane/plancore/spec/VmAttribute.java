package dev.fleetplane.plancore.spec;

import java.util.List;
import java.util.Optional;

/**
 * The attributes of a Proxmox VM the diff engine compares, in the order plans show them, and how each
 * behaves: whether Proxmox reports it without reading the VM's config, and whether changing it forces a
 * new VM.
 */
public enum VmAttribute {
    NAME("name", false, false),
    CORES("cores", false, false),
    MEMORY("memory", false, false),
    DISK("disk", false, false),
    STORAGE("storage", true, true),
    DISK_INTERFACE("diskInterface", true, true),
    BIOS("bios", true, true),
    CPU_TYPE("cpuType", true, false),
    MACHINE("machine", true, false),
    ON_BOOT("onBoot", true, false),
    TAGS("tags", false, false),
    DESCRIPTION("description", true, false);

    private final String key;
    private final boolean configOnly;
    private final boolean forcesReplacement;

    VmAttribute(String key, boolean configOnly, boolean forcesReplacement) {
        this.key = key;
        this.configOnly = configOnly;
        this.forcesReplacement = forcesReplacement;
    }

    /** The name as written in hosts.nix ({@code cpuType}). */
    public String key() {
        return key;
    }

    /** Known only when the adapter read the VM's {@code /config}; never compared otherwise. */
    public boolean configOnly() {
        return configOnly;
    }

    /** Proxmox cannot change it on an existing VM (or fleetplane will not): the VM is replaced. */
    public boolean forcesReplacement() {
        return forcesReplacement;
    }

    /** Attributes that only matter when the VM is made; {@code ignoreInit = true} ignores their drift. */
    public boolean initOnly() {
        return this == STORAGE;
    }

    /** Numbers are shown bare, lists as lists, the rest quoted. */
    public boolean numeric() {
        return this == CORES || this == MEMORY;
    }

    /** {@code true} / {@code false}, shown bare. */
    public boolean bool() {
        return this == ON_BOOT;
    }

    public static Optional<VmAttribute> byKey(String key) {
        for (VmAttribute a : values()) {
            if (a.key.equals(key)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public static List<String> keys() {
        return java.util.Arrays.stream(values()).map(VmAttribute::key).toList();
    }
}
