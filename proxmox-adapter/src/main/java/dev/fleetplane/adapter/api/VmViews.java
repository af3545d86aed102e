package dev.fleetplane.adapter.api;

import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.VmConfig;
import dev.fleetplane.proxmox.client.VmStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The JSON shapes of the read API and the pure rules behind them (VMID parameters, finding a guest); no I/O. */
public final class VmViews {

    /** Proxmox's VMID range ({@code pve-vmid}: 100 … 999999999). */
    public static final int MIN_VMID = 100;
    public static final int MAX_VMID = 999_999_999;

    private VmViews() {
    }

    /** One guest of {@code /cluster/resources}; {@code type} is {@code qemu} or {@code lxc}; sizes in bytes. */
    public record Guest(int vmid, String name, String node, String type, String status, boolean template,
                        List<String> tags, String lock, long maxmem, int maxcpu, long maxdisk, long uptime) {

        static Guest of(ClusterVm v) {
            return new Guest(v.vmid(), v.name(), v.node(), v.type(), v.status(), v.template(), v.tags(), v.lock(),
                    v.maxMemBytes(), v.maxCpu(), v.maxDiskBytes(), v.uptimeSeconds());
        }
    }

    /** {@code status/current} of a QEMU VM with its cluster entry's sizes; {@code qmpstatus} tells paused from running. */
    public record Status(int vmid, String name, String node, String status, String qmpstatus, boolean agent,
                         String lock, long uptime, boolean template, List<String> tags, long maxmem, int maxcpu,
                         long maxdisk) {

        static Status of(ClusterVm v, VmStatus s) {
            return new Status(v.vmid(), s.name().isEmpty() ? v.name() : s.name(), v.node(), s.status(), s.qmpStatus(),
                    s.agent(), s.lock(), s.uptimeSeconds(), v.template(), v.tags(), v.maxMemBytes(), v.maxCpu(),
                    v.maxDiskBytes());
        }
    }

    /** The VM's config: every key Proxmox returned, as text, sorted by key. */
    public record Config(int vmid, String name, String node, Map<String, String> config) {

        static Config of(ClusterVm v, VmConfig c) {
            return new Config(v.vmid(), v.name(), v.node(), new TreeMap<>(c.values()));
        }
    }

    /** {@code GET /cluster/nextid}: the VMID. */
    public record NextId(int vmid) {
    }

    /** A VMID from a path or query parameter; 400 naming the parameter and what it got otherwise. */
    public static int vmid(String parameter, String raw) {
        String v = raw == null ? "" : raw.trim();
        if (!v.matches("\\d{1,10}")) {
            throw new ApiProblem(400, parameter + " must be a VMID (a number " + MIN_VMID + ".." + MAX_VMID + "), got \""
                    + clip(raw) + "\"");
        }
        long n = Long.parseLong(v);
        if (n < MIN_VMID || n > MAX_VMID) {
            throw new ApiProblem(400, parameter + " must be between " + MIN_VMID + " and " + MAX_VMID + ", got " + n);
        }
        return (int) n;
    }

    /** The QEMU VM {@code vmid} among the cluster's guests: 404 when absent, 409 for a container. */
    public static ClusterVm qemu(List<ClusterVm> guests, int vmid) {
        Optional<ClusterVm> found = guests.stream().filter(g -> g.vmid() == vmid).findFirst();
        if (found.isEmpty()) {
            throw new ApiProblem(404, "VM " + vmid + " does not exist (not in /cluster/resources of this token's view)");
        }
        if (!found.get().isQemu()) {
            throw new ApiProblem(409, "VMID " + vmid + " is a " + found.get().type() + " container on node "
                    + found.get().node() + "; fleetplane reads and drives QEMU VMs only");
        }
        return found.get();
    }

    private static String clip(String raw) {
        String s = raw == null ? "" : raw;
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
