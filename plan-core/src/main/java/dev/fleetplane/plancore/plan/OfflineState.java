package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What fleetplane would manage when there is no fleetplane to ask (the offline {@code plan --spec --inventory}):
 * every VM found at a host's VMID is taken as already managed, so the plan shows drift as a running fleet
 * would; it counts as adopted unless it carries the {@code fleetplane} tag (fleetplane tags the VMs it
 * creates) or the host says {@code cloneFromTemplate = false}. Hosts removed from the spec are invisible
 * offline. Pure.
 */
public final class OfflineState {

    private OfflineState() {
    }

    public static Map<String, ManagedHost> assumeManaged(HostsSpec spec, List<ObservedVm> observed) {
        Map<Integer, ObservedVm> byVmid = new HashMap<>();
        for (ObservedVm vm : observed) {
            byVmid.put(vm.vmid(), vm);
        }
        Map<String, ManagedHost> out = new HashMap<>();
        for (HostSpec host : spec.managedHosts()) {
            ProxmoxVm want = host.proxmox().orElseThrow();
            ObservedVm have = byVmid.get(want.vmid());
            if (have == null || have.template()) {
                continue;
            }
            boolean ours = want.cloneFromTemplate() && have.tags() != null
                    && have.tags().contains(DiffEngine.FLEETPLANE_TAG);
            out.put(host.name(), new ManagedHost(want.vmid(), !ours, want.allowDestroy().orElse(false),
                    want.readonly()));
        }
        return out;
    }
}
