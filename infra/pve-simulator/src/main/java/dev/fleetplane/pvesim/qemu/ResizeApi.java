package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.task.TaskFailure;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code PUT …/qemu/{vmid}/resize}: grow a disk ({@code +N} or absolute) in a {@code resize} task; shrinking fails it. */
final class ResizeApi {

    private final Inventory inventory;
    private final TaskRunner tasks;

    ResizeApi(Inventory inventory, TaskRunner tasks) {
        this.inventory = inventory;
        this.tasks = tasks;
    }

    void register(ApiRouter router) {
        router.add("PUT", QemuCalls.VM + "/resize", this::resize);
    }

    private Object resize(ApiCall call) {
        call.allowOnly("disk", "size", "digest", "skiplock");
        boolean skiplock = QemuCalls.skiplock(call);
        String disk = call.require("disk");
        if (disk != null && !QemuCalls.DISK.matcher(disk).matches()) {
            call.error("disk", "value '" + disk + "' does not have a value in the enumeration '" + QemuCalls.diskEnumeration() + "'");
        }
        String size = call.require("size");
        if (size != null && !DiskSize.RESIZE.matcher(size).matches()) {
            call.error("size", "value does not match the regex pattern");
        }
        call.check();
        String node = call.path("node");
        int id = QemuCalls.vmid(call);
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            String digest = call.opt("digest").orElse(null);
            if (digest != null && !digest.equalsIgnoreCase(vm.digest())) {
                throw ApiException.internal("checksum mismatch (file change by other user?)");
            }
        }
        return tasks.submit(node, "resize", Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                if (!skiplock && vm.lock().isPresent()) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                Object current = vm.config().get(disk);
                if (current == null) {
                    throw new TaskFailure("disk '" + disk + "' does not exist");
                }
                if (QemuVm.isCdrom(current.toString())) {
                    throw new TaskFailure("you can't resize a cdrom");
                }
                long before = QemuVm.diskBytes(current.toString());
                long after = DiskSize.target(size, before);
                if (after < before) {
                    throw new TaskFailure("shrinking disks is not supported");
                }
                if (after == before) {
                    return 0;
                }
                Map<String, String> props = PropertyString.parse(current.toString(), "file");
                String volume = props.get("file");
                props.put("size", DiskSize.format(after));
                String volname = volume.substring(volume.indexOf(':') + 1);
                t.log("  Size of logical volume pve/" + volname + " changed from " + DiskSize.gib(before) + " to "
                        + DiskSize.gib(after) + ".");
                t.log("  Logical volume pve/" + volname + " successfully resized.");
                vm.config().put(disk, volume + "," + PropertyString.print(without(props, "file")));
            }
            return 0;
        }).upid().encode();
    }

    private static Map<String, String> without(Map<String, String> props, String key) {
        Map<String, String> out = new LinkedHashMap<>(props);
        out.remove(key);
        return out;
    }
}
