package dev.fleetplane.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.plan.ManagedHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A synthetic fleet of {@code n} hosts with a realistic mix, deterministic for a given {@code n}: of every ten
 * hosts six match their VM (no-op), one has other cores (update), one a smaller disk in Proxmox (grow-disk), one
 * has no VM yet (create) and one is an existing VM fleetplane does not manage yet (adopt); a few hosts have no
 * {@code proxmox} (unmanaged).
 */
final class FleetGenerator {

    static final int TEMPLATE = 9000;
    static final int FIRST_VMID = 10_000;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private FleetGenerator() {
    }

    static String host(int i) {
        return "host-" + i;
    }

    static ObjectNode spec(int n) {
        ObjectNode root = F.objectNode();
        root.putObject("_proxmox").put("host", "10.0.0.1").put("node", "pve").put("defaultStorage", "local-lvm")
                .put("templateVmid", TEMPLATE);
        // VMIDs from 10,000 up, past the seed's 100-8999: a fleet this size declares its own range, as a user would.
        ObjectNode fleetplane = root.putObject("_fleetplane").put("autoApprove", false);
        fleetplane.putArray("vmidRange").add(FIRST_VMID).add(FIRST_VMID + 99_999);
        for (int i = 0; i < n; i++) {
            ObjectNode h = root.putObject(host(i));
            h.put("hostname", host(i)).put("configurationFile", "./hosts/" + host(i) + "/configuration.nix");
            if (i % 50 == 49) {
                continue; // an unmanaged host
            }
            ObjectNode px = h.putObject("proxmox");
            px.put("vmid", FIRST_VMID + i).put("cores", 2).put("memory", 4096).put("disk", "32G");
            if (i % 7 == 0) {
                ArrayNode tags = px.putArray("tags");
                tags.add("bench").add("group" + (i % 5));
            }
        }
        return root;
    }

    /** The cluster as /cluster/resources would list it (as ObservedVm). */
    static List<ObservedVm> inventory(int n) {
        List<ObservedVm> vms = new ArrayList<>();
        vms.add(new ObservedVm(TEMPLATE, "nixos-template", "pve", "stopped", true, 2, 2L << 30, 8L << 30, List.of()));
        for (int i = 0; i < n; i++) {
            int kind = i % 10;
            if (i % 50 == 49 || kind == 8) {
                continue; // unmanaged host, or a VM still to be created
            }
            int cores = kind == 6 ? 1 : 2;
            long disk = (kind == 7 ? 16L : 32L) << 30;
            List<String> tags = i % 7 == 0 ? List.of("bench", "fleetplane", "group" + (i % 5)) : List.of("fleetplane");
            vms.add(new ObservedVm(FIRST_VMID + i, host(i), "pve", "running", false, cores, 4096L << 20, disk, tags));
        }
        return vms;
    }

    /** The same inventory as pvesh prints it ({@code pvesh get /cluster/resources --type vm --output-format json}). */
    static ArrayNode pveshJson(List<ObservedVm> vms) {
        ArrayNode out = F.arrayNode();
        for (ObservedVm v : vms) {
            out.addObject().put("id", "qemu/" + v.vmid()).put("type", "qemu").put("vmid", v.vmid())
                    .put("name", v.name()).put("node", v.node()).put("status", v.status())
                    .put("template", v.template() ? 1 : 0).put("maxcpu", v.cores()).put("maxmem", v.memoryBytes())
                    .put("maxdisk", v.diskBytes()).put("tags", String.join(";", v.tags())).put("cpu", 0.02)
                    .put("mem", v.memoryBytes() / 3).put("uptime", 86400);
        }
        return out;
    }

    /** What fleetplane manages: every VM of the inventory except the ones to adopt. */
    static Map<String, ManagedHost> managed(int n) {
        Map<String, ManagedHost> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int kind = i % 10;
            if (i % 50 == 49 || kind == 8 || kind == 9) {
                continue;
            }
            m.put(host(i), ManagedHost.created(FIRST_VMID + i));
        }
        return m;
    }
}
