package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.task.Task;
import dev.fleetplane.pvesim.task.TaskFailure;
import dev.fleetplane.pvesim.task.TaskRunner;

/**
 * {@code DELETE …/qemu/{vmid}}: refused early for a running or protected VM; {@code lock: destroyed} until the
 * {@code qmdestroy} worker removes the VM and its guest.
 */
final class DestroyApi {

    private final Inventory inventory;
    private final TaskRunner tasks;
    private final GuestRuntime guests;

    DestroyApi(Inventory inventory, TaskRunner tasks, GuestRuntime guests) {
        this.inventory = inventory;
        this.tasks = tasks;
        this.guests = guests;
    }

    void register(ApiRouter router) {
        router.add("DELETE", QemuCalls.VM, this::destroy);
    }

    private Object destroy(ApiCall call) {
        call.allowOnly("purge", "destroy-unreferenced-disks", "skiplock");
        boolean skiplock = QemuCalls.skiplock(call);
        call.optBool("purge", false);
        call.optBool("destroy-unreferenced-disks", false);
        call.check();
        String node = call.path("node");
        int id = QemuCalls.vmid(call);
        boolean[] ourLock = {false};
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            if (Integer.valueOf(1).equals(vm.config().get("protection"))) {
                throw ApiException.internal("can't remove VM " + id + " - protection mode enabled");
            }
            if (vm.running()) {
                throw ApiException.internal("VM " + id + " is running - destroy failed");
            }
            // While the worker removes the disks the config holds 'lock: destroyed' (qemu-server's replacement
            // config), so /cluster/resources shows the lock until the VM is gone. An existing lock fails the worker.
            if (vm.lock().isEmpty()) {
                vm.config().put("lock", "destroyed");
                ourLock[0] = true;
            }
        }
        Task task = tasks.submit(node, "qmdestroy", Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                boolean destroying = ourLock[0] && vm.lock().filter("destroyed"::equals).isPresent();
                if (!skiplock && vm.lock().isPresent() && !destroying) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                if (vm.running()) {
                    throw new TaskFailure("VM " + id + " is running - destroy failed");
                }
                for (String key : vm.diskKeys()) {
                    String value = vm.config().get(key).toString();
                    if (!QemuVm.isCdrom(value) || value.contains("cloudinit")) {
                        String volname = value.substring(value.indexOf(':') + 1).split(",")[0];
                        volname = volname.substring(volname.lastIndexOf('/') + 1);
                        t.log("  Logical volume \"" + volname + "\" successfully removed.");
                    }
                }
                inventory.remove(id);
            }
            guests.destroy(id);
            return 0;
        });
        return task.upid().encode();
    }
}
