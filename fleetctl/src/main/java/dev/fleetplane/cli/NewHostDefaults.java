package dev.fleetplane.cli;

import dev.fleetplane.plancore.spec.DiskSize;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a new host gets unless told otherwise, as a person would pick it: for each of cores, memory, disk and user
 * the value most of the spec's VM hosts (hosts with {@code proxmox}) have; on a tie the smaller (for the user the
 * first in alphabetical order); with no VM host 2 cores, 4096 MB, 32G and root. Pure.
 *
 * @param basis how the values were chosen, for the command's output
 */
record NewHostDefaults(int cores, int memoryMb, String disk, String user, String basis) {

    static final int CORES = 2;
    static final int MEMORY_MB = 4096;
    static final String DISK = "32G";
    static final String USER = "root";

    static NewHostDefaults of(HostsSpec spec) {
        List<HostSpec> vms = spec.managedHosts();
        if (vms.isEmpty()) {
            return new NewHostDefaults(CORES, MEMORY_MB, DISK, USER, "fleetplane's defaults (the spec has no VM host)");
        }
        List<ProxmoxVm> px = vms.stream().map(h -> h.proxmox().orElseThrow()).toList();
        int cores = mostCommon(px, ProxmoxVm::cores, Comparator.naturalOrder());
        int memory = mostCommon(px, ProxmoxVm::memoryMb, Comparator.naturalOrder());
        String disk = mostCommon(px, ProxmoxVm::disk, Comparator.comparingLong(d -> DiskSize.parse(d).orElse(0L)));
        String user = mostCommon(vms, HostSpec::user, Comparator.naturalOrder());
        return new NewHostDefaults(cores, memory, disk, user, "the most common values among the spec's " + vms.size()
                + " VM host" + (vms.size() == 1 ? "" : "s"));
    }

    /** The most frequent value; a tie goes to the smallest by {@code order}. */
    static <T, V> V mostCommon(List<T> items, Function<T, V> value, Comparator<V> order) {
        Map<V, Integer> count = new HashMap<>();
        items.forEach(i -> count.merge(value.apply(i), 1, Integer::sum));
        return count.keySet().stream()
                .min(Comparator.comparingInt((V v) -> -count.get(v)).thenComparing(order))
                .orElseThrow();
    }
}
