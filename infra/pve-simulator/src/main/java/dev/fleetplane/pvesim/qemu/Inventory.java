package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.storage.Storages;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated cluster's state: its nodes, its storages and every VM. All reads and writes of VM state happen
 * while holding this object's monitor, which plays the part of Proxmox's per-VM config flocks.
 */
public final class Inventory {

    /** The storage every node has for VM disks (lvmthin, not shared) and the one that holds no images. */
    public static final String IMAGE_STORAGE = Storages.LOCAL_LVM.id();
    public static final String DIR_STORAGE = Storages.LOCAL.id();
    public static final int MIN_VMID = 100;
    public static final int MAX_VMID = 999_999_999;

    private java.util.function.Function<Integer, java.util.Set<GuestDefect>> defects = source -> java.util.Set.of();
    private final List<String> nodes;
    private final Map<Integer, QemuVm> vms = new TreeMap<>();
    private final MacAddresses macs;
    private final AtomicLong nextQemuPid = new AtomicLong(20_000);

    public Inventory(List<String> nodes, long macSeed) {
        this.nodes = List.copyOf(nodes);
        this.macs = new MacAddresses(macSeed);
    }

    public List<String> nodes() {
        return nodes;
    }

    public boolean hasNode(String node) {
        return nodes.contains(node);
    }

    public Set<String> storages() {
        return Set.of(IMAGE_STORAGE, DIR_STORAGE);
    }

    public MacAddresses macs() {
        return macs;
    }

    public synchronized Collection<QemuVm> vms() {
        return new ArrayList<>(vms.values());
    }

    public synchronized boolean exists(int vmid) {
        return vms.containsKey(vmid);
    }

    public synchronized QemuVm find(int vmid) {
        return vms.get(vmid);
    }

    /** The VM as {@code load_config} finds it on that node, or Proxmox's 500 "Configuration file … does not exist". */
    public synchronized QemuVm vm(String node, int vmid) {
        QemuVm vm = vms.get(vmid);
        if (vm == null || !vm.node().equals(node)) {
            throw ApiException.internal(missingConfig(node, vmid));
        }
        return vm;
    }

    public static String missingConfig(String node, int vmid) {
        return "Configuration file 'nodes/" + node + "/qemu-server/" + vmid + ".conf' does not exist";
    }

    /**
     * Adds an empty VM made through the API (create, restore, clone); the caller fills its config. It gets the
     * defects armed for every new VM ({@link #defects}). Fails if the VMID is taken anywhere in the cluster.
     */
    public synchronized QemuVm create(int vmid, String node) {
        QemuVm vm = createSeeded(vmid, node);
        vm.addDefects(defects.apply(null));
        return vm;
    }

    /** Adds an empty VM that existed before the simulator started (a seed): no armed defects. */
    public synchronized QemuVm createSeeded(int vmid, String node) {
        if (vms.containsKey(vmid)) {
            throw new IllegalStateException("VM " + vmid + " already exists on node '" + vms.get(vmid).node() + "'");
        }
        QemuVm vm = new QemuVm(vmid, node);
        vms.put(vmid, vm);
        return vm;
    }

    /**
     * Where new VMs' defects come from: given null, those of every new VM; given a clone's source VMID, those of
     * that source's clones as well (the fault switches decide; default none).
     */
    public synchronized void defects(java.util.function.Function<Integer, java.util.Set<GuestDefect>> source) {
        this.defects = java.util.Objects.requireNonNull(source, "source");
    }

    /** A new clone of {@code source}: its disk's defects, plus those armed for clones of it. */
    synchronized void inheritDefects(QemuVm clone, QemuVm source) {
        clone.addDefects(source.defects());
        clone.addDefects(defects.apply(source.vmid()));
    }

    public synchronized void remove(int vmid) {
        vms.remove(vmid);
    }

    /** The lowest free VMID from 100, as {@code /cluster/nextid} computes it (without reserving it). */
    public synchronized int nextFreeVmid() {
        for (int id = MIN_VMID; id <= MAX_VMID; id++) {
            if (!vms.containsKey(id)) {
                return id;
            }
        }
        throw ApiException.internal("unable to get any free VMID in range [" + MIN_VMID + ", " + MAX_VMID + "]");
    }

    long nextQemuPid() {
        return nextQemuPid.getAndIncrement();
    }

    /** Fills a fresh VM's config as {@code qm create} plus the NixOS template's settings would, its disk at scsi0. */
    public synchronized void seedConfig(QemuVm vm, String name, int cores, int memoryMb, int diskGb, boolean agent,
                                        boolean template, String tags, String description) {
        seedConfig(vm, name, cores, memoryMb, diskGb, agent, template, tags, description, "scsi0");
    }

    /** As above, the one disk at {@code diskKey} ({@code virtio0} for a nixos-generators proxmox image), booted first. */
    public synchronized void seedConfig(QemuVm vm, String name, int cores, int memoryMb, int diskGb, boolean agent,
                                        boolean template, String tags, String description, String diskKey) {
        Map<String, Object> c = vm.config();
        String prefix = template ? "base-" : "vm-";
        c.put("name", name);
        c.put("agent", agent ? "1" : "0");
        c.put("boot", "order=" + diskKey + ";net0");
        c.put("cores", cores);
        c.put("cpu", "x86-64-v2-AES");
        c.put("memory", Integer.toString(memoryMb));
        c.put("meta", "creation-qemu=9.2.0,ctime=" + (System.currentTimeMillis() / 1000));
        c.put("net0", "virtio=" + macs.next() + ",bridge=vmbr0");
        c.put("ostype", "l26");
        c.put(diskKey, IMAGE_STORAGE + ":" + prefix + vm.vmid() + "-disk-0,iothread=1,size=" + diskGb + "G");
        c.put("scsihw", "virtio-scsi-single");
        c.put("serial0", "socket");
        c.put("smbios1", "uuid=" + UUID.randomUUID());
        c.put("sockets", 1);
        c.put("vga", "serial0");
        c.put("vmgenid", UUID.randomUUID().toString());
        if (tags != null && !tags.isBlank()) {
            c.put("tags", ConfigSchema.normalizeTags(tags));
        }
        if (description != null && !description.isEmpty()) {
            c.put("description", description);
        }
        if (template) {
            c.put("template", 1);
        }
    }

    void powerOn(QemuVm vm) {
        vm.powerOn(nextQemuPid());
    }

    /** Marks a VM as running with its guest booted (for VMs seeded as running). */
    public synchronized void markBooted(QemuVm vm, long agentUpAtMillis, long ipv4AtMillis) {
        powerOn(vm);
        vm.agentUpAt(agentUpAtMillis, ipv4AtMillis);
    }
}
