package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiRouter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /nodes/{node}/qemu} (the node's VMs, as {@code qm list} sees them) and a VM's directory index. */
final class QemuIndexApi {

    private final Inventory inventory;

    QemuIndexApi(Inventory inventory) {
        this.inventory = inventory;
    }

    void register(ApiRouter router) {
        router.add("GET", "/nodes/{node}/qemu", this::list)
                .add("GET", QemuCalls.VM, c -> QemuCalls.subdirs("config", "pending", "status", "agent", "clone", "resize",
                        "template"));
    }

    private Object list(ApiCall call) {
        call.allowOnly("full").optBool("full", false);
        call.check();
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (inventory) {
            for (QemuVm vm : inventory.vms()) {
                if (!vm.node().equals(call.path("node"))) {
                    continue;
                }
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("vmid", vm.vmid());
                e.put("name", vm.name());
                e.put("status", vm.running() ? "running" : "stopped");
                if (vm.isTemplate()) {
                    e.put("template", 1);
                }
                vm.lock().ifPresent(l -> e.put("lock", l));
                if (vm.config().get("tags") != null) {
                    e.put("tags", vm.config().get("tags"));
                }
                e.put("cpus", vm.cpus());
                e.put("maxmem", vm.memoryMb() * 1024 * 1024);
                e.put("maxdisk", vm.bootDiskBytes());
                e.put("mem", vm.running() ? vm.memoryMb() * 1024 * 1024 / 4 : 0);
                e.put("cpu", vm.running() ? (Object) 0.0123 : (Object) 0);
                e.put("disk", 0);
                e.put("uptime", vm.uptimeSeconds());
                e.put("netin", 0);
                e.put("netout", 0);
                e.put("diskread", 0);
                e.put("diskwrite", 0);
                if (vm.running()) {
                    e.put("pid", vm.qemuPid());
                }
                out.add(e);
            }
        }
        return out;
    }
}
