package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.task.TaskFailure;
import dev.fleetplane.pvesim.task.TaskRunner;

/**
 * {@code POST …/qemu/{vmid}/template}: the checks and {@code template: 1} under the config lock before the task, as
 * qemu-server does; the {@code qmtemplate} worker renames the disks to {@code base-<vmid>-disk-N}.
 */
final class TemplateApi {

    private final Inventory inventory;
    private final TaskRunner tasks;

    TemplateApi(Inventory inventory, TaskRunner tasks) {
        this.inventory = inventory;
        this.tasks = tasks;
    }

    void register(ApiRouter router) {
        router.add("POST", QemuCalls.VM + "/template", this::template);
    }

    private Object template(ApiCall call) {
        call.allowOnly("disk");
        String disk = call.opt("disk").orElse(null);
        if (disk != null && !QemuCalls.DISK.matcher(disk).matches()) {
            call.error("disk", "value '" + disk + "' does not have a value in the enumeration '" + QemuCalls.diskEnumeration() + "'");
        }
        call.check();
        String node = call.path("node");
        int id = QemuCalls.vmid(call);
        synchronized (inventory) {
            // qemu-server checks these under the config lock before forking, and writes 'template: 1' right away;
            // the worker only converts the disks (template_create).
            QemuVm vm = inventory.vm(node, id);
            vm.lock().ifPresent(l -> {
                throw ApiException.internal("VM is locked (" + l + ")");
            });
            if (vm.isTemplate() && disk == null) {
                throw ApiException.internal("you can't convert a template to a template");
            }
            if (vm.running()) {
                throw ApiException.internal("you can't convert a VM to template if VM is running");
            }
            vm.config().put("template", 1);
        }
        return tasks.submit(node, "qmtemplate", Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                for (String key : vm.diskKeys()) {
                    if (disk != null && !disk.equals(key)) {
                        continue;
                    }
                    String value = vm.config().get(key).toString();
                    String from = "vm-" + id + "-disk-";
                    if (!QemuVm.isCdrom(value) && value.contains(":" + from)) {
                        String renamed = value.replace(":" + from, ":base-" + id + "-disk-");
                        String oldName = value.substring(value.indexOf(':') + 1).split(",")[0];
                        t.log("  Renamed \"" + oldName + "\" to \"" + oldName.replace("vm-", "base-")
                                + "\" in volume group \"pve\"");
                        t.log("  Logical volume pve/" + oldName.replace("vm-", "base-") + " changed.");
                        vm.config().put(key, renamed);
                    }
                }
                vm.config().put("template", 1);
            }
            return 0;
        }).upid().encode();
    }
}
