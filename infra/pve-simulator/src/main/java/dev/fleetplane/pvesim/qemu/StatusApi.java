package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.task.TaskFailure;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code …/qemu/{vmid}/status}: {@code current}, and the power calls {@code start}, {@code stop}, {@code shutdown},
 * {@code reboot} ({@code qmstart}, {@code qmstop}, {@code qmshutdown}, {@code qmreboot} tasks), which boot and halt
 * the VM's guest.
 */
final class StatusApi {

    private final Inventory inventory;
    private final TaskRunner tasks;
    private final GuestRuntime guests;
    private final GuestBooter booter;
    private final boolean acpiShutdown;

    /** @param acpiShutdown guests obey ACPI powerdown; otherwise only a running guest agent makes them shut down */
    StatusApi(Inventory inventory, TaskRunner tasks, GuestRuntime guests, GuestBooter booter, boolean acpiShutdown) {
        this.inventory = inventory;
        this.tasks = tasks;
        this.guests = guests;
        this.booter = booter;
        this.acpiShutdown = acpiShutdown;
    }

    void register(ApiRouter router) {
        String status = QemuCalls.VM + "/status";
        router.add("GET", status, c -> QemuCalls.subdirs("current", "start", "stop", "shutdown", "reboot"))
                .add("GET", status + "/current", this::statusCurrent)
                .add("POST", status + "/start", this::start)
                .add("POST", status + "/stop", c -> stop(c, "qmstop"))
                .add("POST", status + "/shutdown", c -> stop(c, "qmshutdown"))
                .add("POST", status + "/reboot", this::reboot);
    }

    private Object statusCurrent(ApiCall call) {
        call.allowOnly();
        call.check();
        synchronized (inventory) {
            QemuVm vm = inventory.vm(call.path("node"), QemuCalls.vmid(call));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("vmid", vm.vmid());
            s.put("name", vm.name());
            s.put("status", vm.running() ? "running" : "stopped");
            s.put("qmpstatus", vm.running() ? "running" : "stopped");
            s.put("uptime", vm.uptimeSeconds());
            if (vm.running()) {
                s.put("pid", vm.qemuPid());
                s.put("running-qemu", "9.2.0");
                s.put("running-machine", "pc-i440fx-9.2+pve1");
            }
            if (vm.agentEnabled()) {
                s.put("agent", 1);
            }
            vm.lock().ifPresent(l -> s.put("lock", l));
            if (vm.isTemplate()) {
                s.put("template", 1);
            }
            if (vm.config().get("tags") != null) {
                s.put("tags", vm.config().get("tags"));
            }
            if (vm.config().containsKey("serial0")) {
                s.put("serial", 1);
            }
            s.put("cpus", vm.cpus());
            s.put("cpu", vm.running() ? (Object) 0.0123 : (Object) 0);
            s.put("maxmem", vm.memoryMb() * 1024 * 1024);
            s.put("mem", vm.running() ? vm.memoryMb() * 1024 * 1024 / 4 : 0);
            s.put("maxdisk", vm.bootDiskBytes());
            s.put("disk", 0);
            s.put("netin", 0);
            s.put("netout", 0);
            s.put("diskread", 0);
            s.put("diskwrite", 0);
            s.put("ha", Map.of("managed", 0));
            return s;
        }
    }

    private Object start(ApiCall call) {
        call.allowOnly("skiplock", "timeout", "machine", "forceCPU", "migratedfrom", "migration_type",
                "migration_network", "stateuri", "targetstorage");
        boolean skiplock = QemuCalls.skiplock(call);
        call.optInt("timeout", 0, 86400);
        call.check();
        String node = call.path("node");
        int id = QemuCalls.vmid(call);
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            if (vm.isTemplate()) {
                throw ApiException.internal("you can't start a vm if it's a template");
            }
        }
        return tasks.submit(node, "qmstart", Integer.toString(id), call.user(), t -> {
            int warnings = 0;
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                if (!skiplock && vm.lock().isPresent()) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                if (vm.running()) {
                    throw new TaskFailure("VM " + id + " already running");
                }
                if (vm.config().values().stream().anyMatch(v -> v.toString().contains("-cloudinit"))) {
                    t.log("generating cloud-init ISO");
                }
                if ("ovmf".equals(vm.config().get("bios")) && !vm.config().containsKey("efidisk0")) {
                    t.log("WARN: no efidisk configured! Using temporary efivars disk.");
                    warnings = 1;
                }
                inventory.powerOn(vm);
            }
            booter.boot(id);
            return warnings;
        }).upid().encode();
    }

    private Object stop(ApiCall call, String type) {
        boolean shutdown = type.equals("qmshutdown");
        if (!shutdown) {
            call.allowOnly("skiplock", "timeout", "keepActive", "migratedfrom", "overrule-shutdown");
        } else {
            call.allowOnly("skiplock", "timeout", "forceStop", "keepActive");
        }
        boolean skiplock = QemuCalls.skiplock(call);
        Integer timeout = call.optInt("timeout", 0, 86400);
        boolean forceStop = call.optBool("forceStop", false);
        call.optBool("keepActive", false);
        call.optBool("overrule-shutdown", false);
        call.check();
        String node = call.path("node");
        int id = QemuCalls.vmid(call);
        boolean guestObeys;
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            // _do_vm_stop: guest-shutdown through the agent when it is enabled, else ACPI system_powerdown.
            guestObeys = !vm.running() || (vm.agentEnabled() ? vm.agentUp(System.currentTimeMillis()) : acpiShutdown);
        }
        if (shutdown && !guestObeys) {
            // Nobody in the guest acts on the request: the worker waits out its timeout (default 60 s).
            Duration wait = Duration.ofSeconds(timeout != null ? timeout : 60);
            Duration duration = wait.compareTo(tasks.durationOf(type)) > 0 ? wait : tasks.durationOf(type);
            return tasks.submit(node, type, Integer.toString(id), call.user(), duration, t -> {
                synchronized (inventory) {
                    QemuVm vm = inventory.find(id);
                    if (vm == null) {
                        throw new TaskFailure(Inventory.missingConfig(node, id));
                    }
                    if (!vm.running()) {
                        return 0; // stopped meanwhile (a hard stop by someone else)
                    }
                    if (!forceStop) {
                        throw new TaskFailure("VM quit/powerdown failed - got timeout");
                    }
                    t.log("VM still running - terminating now with SIGTERM");
                    vm.powerOff();
                }
                guests.halt(id);
                return 1;
            }).upid().encode();
        }
        return tasks.submit(node, type, Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                if (!skiplock && vm.lock().isPresent()) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                if (!vm.running()) {
                    return 0; // vm_stop returns quietly when nothing runs
                }
                vm.powerOff();
            }
            guests.halt(id);
            return 0;
        }).upid().encode();
    }

    private Object reboot(ApiCall call) {
        call.allowOnly("timeout");
        call.optInt("timeout", 0, 86400);
        call.check();
        String node = call.path("node");
        int id = QemuCalls.vmid(call);
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            if (!vm.running()) {
                throw ApiException.internal("VM " + id + " not running");
            }
        }
        return tasks.submit(node, "qmreboot", Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null || !vm.running()) {
                    throw new TaskFailure("VM " + id + " not running");
                }
                if (vm.lock().isPresent()) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                vm.powerOff();
            }
            guests.halt(id);
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                inventory.powerOn(vm);
            }
            booter.boot(id);
            return 0;
        }).upid().encode();
    }
}
