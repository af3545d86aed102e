package dev.fleetplane.planner.plan;

import dev.fleetplane.events.pve.ObservedVm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/** What changed in Proxmox between two inventories, one line per VM, naming the host it belongs to. Pure. */
public final class InventoryChanges {

    private InventoryChanges() {
    }

    /** @param hostByVmid the plan's hosts by VMID, so a line says whose VM it is */
    public static List<String> between(List<ObservedVm> before, List<ObservedVm> now, Map<Integer, String> hostByVmid) {
        Map<Integer, ObservedVm> was = byVmid(before);
        Map<Integer, ObservedVm> is = byVmid(now);
        TreeSet<Integer> vmids = new TreeSet<>(was.keySet());
        vmids.addAll(is.keySet());
        List<String> out = new ArrayList<>();
        for (int vmid : vmids) {
            ObservedVm a = was.get(vmid);
            ObservedVm b = is.get(vmid);
            String who = "vmid " + vmid + (hostByVmid.containsKey(vmid) ? " (host " + hostByVmid.get(vmid) + ")" : "");
            if (a == null) {
                out.add(who + ": appeared (\"" + b.name() + "\", " + b.status() + ")");
            } else if (b == null) {
                out.add(who + ": disappeared (was \"" + a.name() + "\")");
            } else {
                List<String> diffs = new ArrayList<>();
                diff(diffs, "name", a.name(), b.name());
                diff(diffs, "node", a.node(), b.node());
                diff(diffs, "status", a.status(), b.status());
                diff(diffs, "template", a.template(), b.template());
                diff(diffs, "cores", a.cores(), b.cores());
                diff(diffs, "memory", a.memoryBytes() >> 20, b.memoryBytes() >> 20);
                diff(diffs, "disk", a.diskBytes(), b.diskBytes());
                diff(diffs, "tags", a.tags(), b.tags());
                diff(diffs, "lock", a.lock(), b.lock());
                if (a.config() != null && b.config() != null && !a.config().equals(b.config())) {
                    TreeSet<String> keys = new TreeSet<>(a.config().keySet());
                    keys.addAll(b.config().keySet());
                    keys.removeIf(k -> Objects.equals(a.config().get(k), b.config().get(k)));
                    diffs.add("config " + String.join(", ", keys));
                }
                if (!diffs.isEmpty()) {
                    out.add(who + ": changed: " + String.join(", ", diffs));
                }
            }
        }
        return out;
    }

    private static void diff(List<String> out, String what, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(what + " " + a + " → " + b);
        }
    }

    private static Map<Integer, ObservedVm> byVmid(List<ObservedVm> vms) {
        Map<Integer, ObservedVm> m = new TreeMap<>();
        if (vms != null) {
            vms.forEach(v -> m.put(v.vmid(), v));
        }
        return m;
    }
}
