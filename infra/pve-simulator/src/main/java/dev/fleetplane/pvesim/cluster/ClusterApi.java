package dev.fleetplane.pvesim.cluster;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.qemu.Inventory;
import dev.fleetplane.pvesim.qemu.QemuVm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /version}, {@code /nodes}, {@code /cluster/resources} and {@code /cluster/nextid}. */
public final class ClusterApi {

    private static final long NODE_MEMORY = 64L * 1024 * 1024 * 1024;
    private static final long STORAGE_SIZE = 1024L * 1024 * 1024 * 1024;

    private final Inventory inventory;
    private final String version;
    private final long startedAtMillis = System.currentTimeMillis();

    /** @param version a PVE manager version such as {@code 9.1.2}; release and repoid derive from it */
    public ClusterApi(Inventory inventory, String version) {
        this.inventory = inventory;
        this.version = version;
    }

    public void register(ApiRouter router) {
        router.add("GET", "/", c -> List.of(Map.of("subdir", "version"), Map.of("subdir", "cluster"),
                        Map.of("subdir", "nodes"), Map.of("subdir", "access"), Map.of("subdir", "pools"),
                        Map.of("subdir", "storage")))
                .add("GET", "/version", this::version)
                .add("GET", "/nodes", this::nodes)
                .add("GET", "/nodes/{node}", c -> List.of(Map.of("name", "qemu"), Map.of("name", "tasks"),
                        Map.of("name", "status"), Map.of("name", "storage")))
                .add("GET", "/cluster", c -> List.of(Map.of("name", "resources"), Map.of("name", "nextid"),
                        Map.of("name", "tasks")))
                .add("GET", "/cluster/resources", this::resources)
                .add("GET", "/cluster/nextid", this::nextid);
    }

    private Object version(ApiCall call) {
        call.allowOnly();
        call.check();
        Map<String, Object> v = new LinkedHashMap<>();
        String[] parts = version.split("\\.");
        v.put("release", parts.length >= 2 ? parts[0] + "." + parts[1] : version);
        v.put("repoid", String.format("%016x", (long) version.hashCode() * 0x9E3779B97F4A7C15L));
        v.put("version", version);
        return v;
    }

    private Object nodes(ApiCall call) {
        call.allowOnly();
        call.check();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String node : inventory.nodes()) {
            Map<String, Object> n = nodeEntry(node);
            n.put("ssl_fingerprint", "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
            out.add(n);
        }
        return out;
    }

    private Map<String, Object> nodeEntry(String node) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", "node/" + node);
        n.put("type", "node");
        n.put("node", node);
        n.put("status", "online");
        n.put("level", "");
        n.put("maxcpu", 16);
        n.put("cpu", 0.02);
        n.put("maxmem", NODE_MEMORY);
        n.put("mem", NODE_MEMORY / 8);
        n.put("maxdisk", 100L * 1024 * 1024 * 1024);
        n.put("disk", 10L * 1024 * 1024 * 1024);
        n.put("uptime", (System.currentTimeMillis() - startedAtMillis) / 1000 + 3600);
        return n;
    }

    private Object resources(ApiCall call) {
        call.allowOnly("type");
        String type = call.opt("type").orElse(null);
        if (type != null && !List.of("vm", "storage", "node", "sdn").contains(type)) {
            call.error("type", "value '" + type + "' does not have a value in the enumeration 'vm, storage, node, sdn'");
        }
        call.check();
        List<Map<String, Object>> out = new ArrayList<>();
        if (type == null || type.equals("vm")) {
            out.addAll(vmResources(inventory));
        }
        if (type == null || type.equals("node")) {
            inventory.nodes().forEach(n -> out.add(nodeEntry(n)));
        }
        if (type == null || type.equals("storage")) {
            for (String node : inventory.nodes()) {
                out.add(storageEntry(node, Inventory.IMAGE_STORAGE, "lvmthin", "images,rootdir"));
                out.add(storageEntry(node, Inventory.DIR_STORAGE, "dir", "backup,import,iso,vztmpl"));
            }
        }
        return out;
    }

    /**
     * Every VM's {@code /cluster/resources?type=vm} entry, unfiltered (what root sees): also what the nodes'
     * {@code pvesh get /cluster/resources --type vm} stand-in prints.
     */
    public static List<Map<String, Object>> vmResources(Inventory inventory) {
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (inventory) {
            for (QemuVm vm : inventory.vms()) {
                out.add(vmEntry(vm));
            }
        }
        return out;
    }

    private static Map<String, Object> vmEntry(QemuVm vm) {
        Map<String, Object> e = new LinkedHashMap<>();
        long maxmem = vm.memoryMb() * 1024 * 1024;
        e.put("id", "qemu/" + vm.vmid());
        e.put("type", "qemu");
        e.put("vmid", vm.vmid());
        e.put("name", vm.name());
        e.put("node", vm.node());
        e.put("status", vm.running() ? "running" : "stopped");
        e.put("template", vm.isTemplate() ? 1 : 0);
        e.put("maxcpu", vm.cpus());
        e.put("maxmem", maxmem);
        e.put("maxdisk", vm.bootDiskBytes());
        e.put("mem", vm.running() ? maxmem / 4 : 0);
        e.put("cpu", vm.running() ? (Object) 0.0123 : (Object) 0);
        e.put("disk", 0);
        e.put("uptime", vm.uptimeSeconds());
        e.put("netin", 0);
        e.put("netout", 0);
        e.put("diskread", 0);
        e.put("diskwrite", 0);
        Object tags = vm.config().get("tags");
        if (tags != null) {
            e.put("tags", tags);
        }
        vm.lock().ifPresent(l -> e.put("lock", l));
        return e;
    }

    private static Map<String, Object> storageEntry(String node, String storage, String plugin, String content) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", "storage/" + node + "/" + storage);
        s.put("type", "storage");
        s.put("storage", storage);
        s.put("node", node);
        s.put("status", "available");
        s.put("plugintype", plugin);
        s.put("content", content);
        s.put("shared", 0);
        s.put("maxdisk", STORAGE_SIZE);
        s.put("disk", STORAGE_SIZE / 10);
        return s;
    }

    private Object nextid(ApiCall call) {
        call.allowOnly("vmid");
        Integer wanted = call.optInt("vmid", Inventory.MIN_VMID, Inventory.MAX_VMID);
        call.check();
        synchronized (inventory) {
            if (wanted != null) {
                if (inventory.exists(wanted)) {
                    throw ApiException.param("vmid", "VM " + wanted + " already exists");
                }
                return Integer.toString(wanted); // a string on the wire, although the schema says integer
            }
            return Integer.toString(inventory.nextFreeVmid());
        }
    }
}
