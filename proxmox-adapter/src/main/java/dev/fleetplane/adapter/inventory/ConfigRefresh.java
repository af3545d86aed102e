package dev.fleetplane.adapter.inventory;

import dev.fleetplane.proxmox.client.ClusterVm;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, per VM or template of one {@code /cluster/resources} answer, where its config comes from: the cache (entry
 * unchanged since the read, read recently enough), a fresh {@code GET config}, or nowhere (locked VMs); pure.
 */
public final class ConfigRefresh {

    /** Where a VM's config comes from in this inventory. */
    public enum Source {
        /** The cached config: the VM's resource entry is what it was when the config was read. */
        CACHE,
        /**
         * New VM, changed entry, or a cache row older than the max age. Templates too: the planner reads a template's
         * boot disk (the disk every clone grows) from it; cached like any VM, a template costs one read.
         */
        READ,
        /**
         * Not read: locked VMs (a clone, backup or destroy is rewriting the config; it is read once the lock is gone,
         * because the lock is part of the fingerprint).
         */
        NONE
    }

    private ConfigRefresh() {
    }

    /** The attributes of a resource entry that change when a VM is created, resized, renamed, retagged, powered or locked. */
    public static String fingerprint(ClusterVm v) {
        return v.node() + "|" + v.name() + "|" + v.status() + "|" + v.template() + "|" + v.maxCpu() + "|"
                + v.maxMemBytes() + "|" + v.maxDiskBytes() + "|" + String.join(";", v.tags().stream().sorted().toList())
                + "|" + (v.lock() == null ? "" : v.lock());
    }

    public static Map<Integer, Source> decide(List<ClusterVm> qemu, Map<Integer, ConfigCache.Entry> cache, Instant now,
                                              Duration maxAge) {
        Map<Integer, Source> out = new LinkedHashMap<>();
        for (ClusterVm v : qemu) {
            if (v.lock() != null) {
                out.put(v.vmid(), Source.NONE);
                continue;
            }
            ConfigCache.Entry cached = cache.get(v.vmid());
            boolean fresh = cached != null && cached.fingerprint().equals(fingerprint(v))
                    && cached.readAt().plus(maxAge).isAfter(now);
            out.put(v.vmid(), fresh ? Source.CACHE : Source.READ);
        }
        return out;
    }
}
