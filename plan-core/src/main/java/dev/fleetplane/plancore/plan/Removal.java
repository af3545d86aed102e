package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.spec.HostsSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What removing one host from the spec would plan, as {@code fleetplane remove} shows it: the spec without the host,
 * and the managed state with the host's own {@code allowDestroy} set, so the diff engine destroys it unless it never
 * destroys that VM (adopted, readonly, its VMID claimed by another host: then it forgets it). Pure.
 */
public final class Removal {

    private Removal() {
    }

    /** {@code spec} without {@code host}. */
    public static HostsSpec without(HostsSpec spec, String host) {
        return new HostsSpec(spec.proxmox(), spec.fleetplane(),
                spec.hosts().stream().filter(h -> !h.name().equals(host)).toList());
    }

    /** {@code managed} with {@code host}'s {@code allowDestroy} set; adopted and readonly are kept as they are. */
    public static Map<String, ManagedHost> allowingDestroy(Map<String, ManagedHost> managed, String host) {
        Map<String, ManagedHost> out = new HashMap<>(managed);
        ManagedHost was = managed.get(host);
        if (was != null) {
            out.put(host, new ManagedHost(was.vmid(), was.adopted(), true, was.readonly()));
        }
        return out;
    }

    /** The plan of removing {@code host}: {@code spec} without it, against {@code observed}, destroy allowed. */
    public static PlanDraft plan(HostsSpec spec, String host, List<ObservedVm> observed,
                                 Map<String, ManagedHost> managed) {
        return DiffEngine.diff(without(spec, host), observed, allowingDestroy(managed, host));
    }
}
