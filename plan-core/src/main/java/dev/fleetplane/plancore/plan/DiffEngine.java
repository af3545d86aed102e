package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxSettings;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a spec with what Proxmox shows and what fleetplane already manages, and decides per
 * Proxmox host exactly one action: create, adopt or no-op. Pure: same inputs, same plan.
 */
public final class DiffEngine {

    private DiffEngine() {
    }

    /**
     * @param observed the inventory (every VM and template of the cluster)
     * @param managed  host name to VMID of the hosts fleetplane manages in this fleet already
     */
    public static PlanDraft diff(HostsSpec spec, List<ObservedVm> observed, Map<String, Integer> managed) {
        Map<Integer, ObservedVm> byVmid = new HashMap<>();
        for (ObservedVm vm : observed) {
            byVmid.put(vm.vmid(), vm);
        }
        List<PlannedChange> changes = new ArrayList<>();
        List<SpecProblem> errors = new ArrayList<>();
        List<String> unmanaged = new ArrayList<>();
        boolean templateChecked = false;
        for (HostSpec host : spec.hosts()) {
            if (host.proxmox().isEmpty()) {
                unmanaged.add(host.name());
                continue;
            }
            ProxmoxSettings px = spec.proxmox().orElseThrow(
                    () -> new IllegalArgumentException("a spec with Proxmox hosts must have _proxmox"));
            ProxmoxVm want = host.proxmox().get();
            String path = "hosts." + host.name() + ".proxmox";
            ObservedVm have = byVmid.get(want.vmid());
            if (have != null && have.template()) {
                errors.add(new SpecProblem(path + ".vmid", "VMID " + want.vmid() + " is a template in Proxmox ("
                        + quote(have.name()) + " on " + have.node() + "); a host cannot use it"));
            } else if (have != null) {
                Integer managedVmid = managed.get(host.name());
                if (managedVmid != null && managedVmid == want.vmid()) {
                    changes.add(new PlannedChange(host.name(), PlanDraft.NO_OP, want.vmid(), have.node(), List.of()));
                } else {
                    changes.add(new PlannedChange(host.name(), PlanDraft.ADOPT, want.vmid(), have.node(),
                            adoptLines(want, have)));
                }
            } else if (!want.cloneFromTemplate()) {
                errors.add(new SpecProblem(path + ".cloneFromTemplate", "is false (an imported VM), but VMID "
                        + want.vmid() + " does not exist in Proxmox: fleetplane adopts imported VMs and never "
                        + "clones them; create the VM or correct the vmid"));
            } else {
                if (!templateChecked) {
                    templateChecked = true;
                    ObservedVm template = byVmid.get(px.templateVmid());
                    if (template == null) {
                        errors.add(new SpecProblem("_proxmox.templateVmid", "template " + px.templateVmid()
                                + " does not exist in Proxmox; build or restore it before creating hosts"));
                    } else if (!template.template()) {
                        errors.add(new SpecProblem("_proxmox.templateVmid", "VMID " + px.templateVmid() + " ("
                                + quote(template.name()) + ") is a VM, not a template"));
                    }
                }
                changes.add(new PlannedChange(host.name(), PlanDraft.CREATE, want.vmid(), px.node(),
                        createLines(want, px)));
            }
        }
        return new PlanDraft(List.copyOf(changes), List.copyOf(errors), List.copyOf(unmanaged));
    }

    private static List<String> createLines(ProxmoxVm want, ProxmoxSettings px) {
        return List.of(
                "vmid = " + want.vmid(),
                "name = " + quote(want.name()),
                "node = " + quote(px.node()),
                "clone = " + px.templateVmid(),
                "cores = " + want.cores(),
                "memory = " + want.memoryMb(),
                "disk = " + quote(want.disk()),
                "storage = " + quote(want.storage().orElse(px.defaultStorage())));
    }

    private static List<String> adoptLines(ProxmoxVm want, ObservedVm have) {
        List<String> lines = new ArrayList<>();
        lines.add("vmid = " + have.vmid());
        lines.add("name = " + quote(have.name()));
        lines.add("node = " + quote(have.node()));
        lines.add("status = " + quote(have.status()));
        if (have.name() != null && !have.name().equals(want.name())) {
            lines.add("# note: Proxmox names it " + quote(have.name()) + ", the spec " + quote(want.name()));
        }
        return List.copyOf(lines);
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
