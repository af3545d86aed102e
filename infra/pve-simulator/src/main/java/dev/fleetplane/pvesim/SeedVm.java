package dev.fleetplane.pvesim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A VM or template that exists when the simulator starts (seed file entry
 * {@code {"vmid":9003,"name":"nixos-template","template":true,"cores":2,"memoryMb":2048,"diskGb":8,"agent":true,
 * "diskInterface":"virtio0"}}).
 *
 * @param node          null = the simulator's first node
 * @param status        {@code stopped} or {@code running}
 * @param diskInterface the key of its one disk, which {@code boot: order=} names first ({@code scsi0} when not given;
 *                      a nixos-generators proxmox image has {@code virtio0})
 */
public record SeedVm(int vmid, String name, String node, boolean template, String status, int cores, int memoryMb,
                     int diskGb, boolean agent, String tags, String description, String diskInterface) {

    public static final String DEFAULT_DISK_INTERFACE = "scsi0";

    public SeedVm(int vmid, String name, String node, boolean template, String status, int cores, int memoryMb,
                  int diskGb, boolean agent, String tags, String description) {
        this(vmid, name, node, template, status, cores, memoryMb, diskGb, agent, tags, description,
                DEFAULT_DISK_INTERFACE);
    }

    @JsonCreator
    static SeedVm fromJson(@JsonProperty(value = "vmid", required = true) Integer vmid,
                           @JsonProperty("name") String name,
                           @JsonProperty("node") String node,
                           @JsonProperty("template") Boolean template,
                           @JsonProperty("status") String status,
                           @JsonProperty("cores") Integer cores,
                           @JsonProperty("memoryMb") Integer memoryMb,
                           @JsonProperty("diskGb") Integer diskGb,
                           @JsonProperty("agent") Boolean agent,
                           @JsonProperty("tags") String tags,
                           @JsonProperty("description") String description,
                           @JsonProperty("diskInterface") String diskInterface) {
        return new SeedVm(vmid, name != null ? name : "vm" + vmid, node, template != null && template,
                status != null ? status : "stopped", cores != null ? cores : 1, memoryMb != null ? memoryMb : 2048,
                diskGb != null ? diskGb : 8, agent == null || agent, tags, description,
                diskInterface != null ? diskInterface : DEFAULT_DISK_INTERFACE);
    }

    /** A stopped VM with 1 core, 2 GiB, an 8 GiB disk and the agent enabled. */
    public static SeedVm vm(int vmid, String name) {
        return new SeedVm(vmid, name, null, false, "stopped", 1, 2048, 8, true, null, null);
    }

    /** A template (never running) with the same defaults. */
    public static SeedVm template(int vmid, String name) {
        return new SeedVm(vmid, name, null, true, "stopped", 1, 2048, 8, true, null, null);
    }

    /**
     * {@code count} stopped VMs from {@code firstVmid} on, named {@code <prefix>-<vmid>}, with sizes that vary a
     * little (1-4 cores, 1-4 GiB, 8-11 GiB disks) so inventories look like a real fleet.
     */
    public static java.util.List<SeedVm> batch(int firstVmid, int count, String namePrefix) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        java.util.List<SeedVm> out = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int vmid = firstVmid + i;
            out.add(new SeedVm(vmid, namePrefix + "-" + vmid, null, false, "stopped", 1 + i % 4, 1024 * (1 + i % 4),
                    8 + i % 4, true, null, null));
        }
        return java.util.List.copyOf(out);
    }

    public SeedVm running() {
        return new SeedVm(vmid, name, node, template, "running", cores, memoryMb, diskGb, agent, tags, description,
                diskInterface);
    }

    public SeedVm onNode(String nodeName) {
        return new SeedVm(vmid, name, nodeName, template, status, cores, memoryMb, diskGb, agent, tags, description,
                diskInterface);
    }

    public SeedVm sized(int coreCount, int memoryMiB, int diskGiB) {
        return new SeedVm(vmid, name, node, template, status, coreCount, memoryMiB, diskGiB, agent, tags, description,
                diskInterface);
    }

    public SeedVm withAgent(boolean enabled) {
        return new SeedVm(vmid, name, node, template, status, cores, memoryMb, diskGb, enabled, tags, description,
                diskInterface);
    }

    public SeedVm withTags(String tagList) {
        return new SeedVm(vmid, name, node, template, status, cores, memoryMb, diskGb, agent, tagList, description,
                diskInterface);
    }

    /** The same VM with its disk at {@code key} ({@code virtio0}, as a nixos-generators proxmox image has it). */
    public SeedVm withDiskInterface(String key) {
        return new SeedVm(vmid, name, node, template, status, cores, memoryMb, diskGb, agent, tags, description, key);
    }

    public boolean isRunning() {
        return "running".equals(status);
    }
}
