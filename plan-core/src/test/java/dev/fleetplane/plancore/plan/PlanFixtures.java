package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.pve.ObservedVm;
import java.util.List;
import java.util.Map;

/** One fleet whose plan has every action once: the renderers' golden tests read it. */
final class PlanFixtures {

    static final String SPEC = "{" + DiffEngineTest.PROXMOX + """
            ,
             "_fleetplane": {"allowDestroy": true},
             "dev": {"proxmox": {"vmid": 110, "cores": 4, "memory": 8192, "disk": "64G", "cloneFromTemplate": false}},
             "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G", "tags": ["web"]}},
             "api": {"proxmox": {"vmid": 113, "cores": 4, "memory": 4096, "disk": "32G"}},
             "db": {"proxmox": {"vmid": 112, "cores": 2, "memory": 4096, "disk": "64G"}},
             "cache": {"proxmox": {"vmid": 114, "cores": 2, "memory": 2048, "disk": "16G", "bios": "ovmf"}},
             "laptop": {"user": "root"}}""";

    static final List<ObservedVm> INVENTORY = List.of(
            // A nixos-generators image: its clones boot from virtio0.
            new ObservedVm(9003, "nixos-template", "pve", "stopped", true, 2, 2L << 30, 8L << 30, List.of(), null,
                    Map.of("boot", "order=virtio0;net0", "virtio0", "local-lvm:base-9003-disk-0,size=8G")),
            new ObservedVm(110, "dev", "pve", "running", false, 4, 8L << 30, 64L << 30, List.of()),
            new ObservedVm(112, "db", "pve", "running", false, 2, 4L << 30, 32L << 30, List.of("fleetplane")),
            new ObservedVm(113, "api", "pve", "running", false, 2, 4L << 30, 32L << 30, List.of("fleetplane")),
            new ObservedVm(114, "cache", "pve", "running", false, 2, 2L << 30, 16L << 30, List.of("fleetplane"), null,
                    Map.of("scsi0", "local-lvm:vm-114-disk-0,size=16G")),
            new ObservedVm(120, "old", "pve", "stopped", false, 1, 1L << 30, 8L << 30, List.of("fleetplane")),
            new ObservedVm(121, "legacy", "pve", "running", false, 1, 1L << 30, 8L << 30, List.of()));

    static final Map<String, ManagedHost> MANAGED = Map.of(
            "api", ManagedHost.created(113), "db", ManagedHost.created(112), "cache", ManagedHost.created(114),
            "old", ManagedHost.created(120), "legacy", ManagedHost.adopted(121));

    static PlanDraft everyAction() throws Exception {
        return DiffEngine.diff(DiffEngineTest.spec(SPEC), INVENTORY, MANAGED);
    }

    private PlanFixtures() {
    }
}
